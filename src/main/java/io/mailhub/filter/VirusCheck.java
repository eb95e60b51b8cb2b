package io.mailhub.filter;

import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans every message (all doors, inbound and outbound) and decides: a virus is refused with {@code 554 5.7.1},
 * nothing is stored; a scanner without a verdict makes {@code 451 4.7.1} (or, with
 * {@code mailhub.virus.on-failure=accept}, the mail passes marked {@code X-Virus-Scanned: no}).
 */
public final class VirusCheck {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.filter");
    static final SmtpReply UNSCANNED = SmtpReply.of(451, "4.7.1", "Virus scanner unavailable, try again later");

    /** @param refusal the refusal or {@code null}; @param field a header field to add, or {@code null} */
    public record Outcome(SmtpReply refusal, String field) {}

    private final VirusScanner scanner;
    private final VirusSettings settings;

    public VirusCheck(VirusScanner scanner, VirusSettings settings) {
        this.scanner = scanner;
        this.settings = settings;
    }

    /** clamd at the configured address. */
    public static VirusCheck clamd(VirusSettings settings) {
        InetSocketAddress a = new InetSocketAddress(settings.clamd().getHostString(), settings.clamd().getPort());
        return new VirusCheck(new ClamdClient(a, settings.timeout()), settings);
    }

    public Outcome check(String queueId, MessageContent content) {
        long start = System.nanoTime();
        try {
            String found = scanner.scan(content);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (found != null) {
                LOG.info("{}: {} found {} ({} ms): refused", queueId, scanner.name(), found, ms);
                return new Outcome(SmtpReply.of(554, "5.7.1", "Message refused: virus found ("
                        + found.replaceAll("[^\\x21-\\x7e]", "") + ")"), null);
            }
            LOG.debug("{}: {} clean ({} ms)", queueId, scanner.name(), ms);
            return new Outcome(null, "X-Virus-Scanned: clean by " + scanner.name());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: {} gave no verdict ({}): {}", queueId, scanner.name(), e.getMessage(),
                    settings.tempfailOnFailure() ? "answering " + UNSCANNED : "accepted unscanned");
            return settings.tempfailOnFailure() ? new Outcome(UNSCANNED, null)
                    : new Outcome(null, "X-Virus-Scanned: no (" + scanner.name() + " unavailable)");
        }
    }
}
