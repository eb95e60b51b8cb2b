package io.mailhub.filter;

import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpReply;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the spam filter about a message and decides: refuse ({@code 550 5.7.1}), quarantine (stored, held in
 * {@code mail.hold}), or accept; in every case the verdict becomes the message properties {@code MailhubSpamScore},
 * {@code MailhubSpamAction} (routes test them) and header fields {@code X-Spam-Status} and {@code X-Spam-Action} on
 * the message. A filter that does not answer in time never holds mail up: the mail is accepted marked
 * {@code X-Spam-Status: Unchecked} or, with {@code mailhub.spam.on-failure=tempfail}, refused with 451 4.7.1.
 */
public final class SpamCheck {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.filter");

    public static final String SCORE = "MailhubSpamScore";
    public static final String ACTION = "MailhubSpamAction";
    /** The message property of mail to hold (the dispatch stage moves it to mail.hold). */
    public static final String HOLD = io.mailhub.model.EnvelopeHeaders.HOLD;

    static final SmtpReply SPAM = SmtpReply.of(550, "5.7.1", "Message refused as spam");
    static final SmtpReply UNCHECKED = SmtpReply.of(451, "4.7.1", "Spam filter unavailable, try again later");

    /**
     * What to do with the message.
     *
     * @param refusal the refusal, or {@code null}
     * @param fields header fields to add at the top ({@code Name: value}, no CRLF)
     * @param annotations message properties to store with it
     */
    public record Outcome(SmtpReply refusal, java.util.List<String> fields, Map<String, String> annotations) {}

    private final SpamFilter filter;
    private final SpamSettings settings;

    public SpamCheck(SpamFilter filter, SpamSettings settings) {
        this.filter = filter;
        this.settings = settings;
    }

    public Outcome check(Envelope envelope, MessageContent content) {
        long start = System.nanoTime();
        SpamVerdict v;
        try {
            v = filter.check(envelope, content);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: {} gave no verdict ({}): {}", envelope.queueId(), filter.name(), e.getMessage(),
                    settings.tempfailOnFailure() ? "answering " + UNCHECKED : "accepted unchecked");
            if (settings.tempfailOnFailure()) {
                return new Outcome(UNCHECKED, java.util.List.of(), Map.of());
            }
            return new Outcome(null, java.util.List.of("X-Spam-Status: Unchecked (" + filter.name() + " unavailable)"),
                    Map.of(ACTION, "unchecked"));
        }
        String score = String.format(Locale.ROOT, "%.2f", v.score());
        boolean reject = Double.isNaN(settings.rejectScore()) ? v.action().equals("reject")
                : v.score() >= settings.rejectScore();
        boolean quarantine = !reject && !Double.isNaN(settings.quarantineScore())
                && v.score() >= settings.quarantineScore();
        LOG.info("{}: {} score={} action={} symbols={} ({} ms){}", envelope.queueId(), filter.name(), score, v.action(),
                v.symbols(), (System.nanoTime() - start) / 1_000_000, reject ? ": refused" : quarantine ? ": held" : "");
        if (reject) {
            return new Outcome(SPAM, java.util.List.of(), Map.of());
        }
        Map<String, String> a = new LinkedHashMap<>();
        a.put(SCORE, score);
        a.put(ACTION, v.action());
        if (quarantine) {
            a.put(HOLD, "mail.hold");
        }
        boolean spam = quarantine || !v.action().equals("no action");
        return new Outcome(null, java.util.List.of(
                "X-Spam-Status: " + (spam ? "Yes" : "No") + ", score=" + score + " required="
                        + String.format(Locale.ROOT, "%.2f", v.required()) + " tests="
                        + String.join(",", v.symbols().subList(0, Math.min(20, v.symbols().size())))
                                .replaceAll("[^A-Za-z0-9_.,-]", "")
                        + " filter=" + filter.name(),
                "X-Spam-Action: " + v.action()), a);
    }
}
