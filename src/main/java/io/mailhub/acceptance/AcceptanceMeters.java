package io.mailhub.acceptance;

import io.mailhub.authres.InboundAuthentication;
import io.mailhub.model.SmtpReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The acceptance stage's meters: {@code mailhub_messages_received_total{door}}, {@code mailhub_message_size_bytes},
 * {@code mailhub_dkim_signatures_total}, {@code mailhub_auth_results_total{method,result}} and, for the doors that are
 * not SMTP listeners (which count every refusing reply themselves), {@code mailhub_rejections_total{door,code,reason}}
 * where {@code reason} is the enhanced status code (RFC 3463), a small set that says why.
 */
public final class AcceptanceMeters {

    /** Octets: 1 KiB ... 50 MiB, the sizes mail comes in. */
    private static final double[] SIZES = {1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 10485760, 26214400,
        52428800};

    private final MeterRegistry registry;
    private final Map<Door, Counter> received = new EnumMap<>(Door.class);
    private final DistributionSummary size;
    private final Counter signatures;

    /** Meters that count nothing (tests, and the hub with metrics off). */
    public static AcceptanceMeters none() {
        return new AcceptanceMeters(new CompositeMeterRegistry());
    }

    public AcceptanceMeters(MeterRegistry registry) {
        this.registry = registry;
        for (Door d : Door.values()) {
            received.put(d, Counter.builder("mailhub.messages.received")
                    .description("Messages accepted and stored, by door")
                    .tag("door", d.label())
                    .register(registry));
        }
        size = DistributionSummary.builder("mailhub.message.size")
                .description("Size of accepted messages as stored")
                .baseUnit("bytes")
                .serviceLevelObjectives(SIZES)
                .register(registry);
        signatures = Counter.builder("mailhub.dkim.signatures")
                .description("Messages DKIM-signed by the hub")
                .register(registry);
    }

    void accepted(Door door, long octets) {
        received.get(door).increment();
        size.record(octets);
    }

    void refused(Door door, SmtpReply reply) {
        if (door == Door.SMTP || door == Door.SUBMISSION || door == Door.SMTPS) {
            return; // the SMTP session counts the reply it sends
        }
        rejection(registry, door.label(), reply);
    }

    void signed() {
        signatures.increment();
    }

    void checked(InboundAuthentication.Report report) {
        result("spf", report.spf().result().keyword());
        if (report.dkim().isEmpty()) {
            result("dkim", "none");
        }
        report.dkim().forEach(r -> result("dkim", r.result().keyword()));
        result("dmarc", report.dmarc().result().keyword());
    }

    private void result(String method, String result) {
        Counter.builder("mailhub.auth.results")
                .description("Results of inbound SPF, DKIM and DMARC checks")
                .tag("method", method)
                .tag("result", result)
                .register(registry)
                .increment();
    }

    /** Counts one refusal of any door: {@code mailhub_rejections_total{door,code,reason}}. */
    public static void rejection(MeterRegistry registry, String door, SmtpReply reply) {
        rejection(registry, door, reply.code(), reply.status());
    }

    /**
     * Counts one refusal: {@code code} is the SMTP reply code, or for an HTTP door's refusal that has no SMTP
     * equivalent (a malformed request, a bad key) the HTTP status; {@code enhanced} the enhanced status code.
     */
    public static void rejection(MeterRegistry registry, String door, int code, String enhanced) {
        Counter.builder("mailhub.rejections")
                .description("Refusals by door, reply code and enhanced status code (why)")
                .tag("door", door)
                .tag("code", Integer.toString(code))
                .tag("reason", enhanced == null || enhanced.isEmpty() ? "none" : enhanced)
                .register(registry)
                .increment();
    }
}
