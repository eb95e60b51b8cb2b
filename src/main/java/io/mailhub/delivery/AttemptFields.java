package io.mailhub.delivery;

import io.mailhub.model.Envelope;
import io.mailhub.relay.AttemptTimes;
import io.mailhub.relay.NextHop;
import io.mailhub.relay.RecipientResult;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a delivery attempt's line beyond the core ones ({@link DeliveryEvents.Event}): the message's
 * origin, the next hop, the outbound TLS, the reply split up, the delays and the DKIM signature; unknown ones are left
 * out. docs/events.schema.json describes each; docs/operations.md maps them to Postfix's maillog.
 */
final class AttemptFields {

    private AttemptFields() {}

    static Map<String, Object> of(Envelope envelope, RecipientResult r, Instant time, AttemptFacts facts) {
        Map<String, Object> f = new LinkedHashMap<>();
        put(f, "message_id", facts.messageId());
        put(f, "door", facts.door());
        put(f, "client", envelope.clientAddress());
        f.put("sender", envelope.sender() == null ? "" : envelope.sender().toString());
        if (envelope.size() >= 0) {
            f.put("size", envelope.size());
        }
        put(f, "route_id", facts.routeId());
        NextHop hop = r.nextHop();
        if (hop != null) {
            f.put("next_hop", hop.host());
            put(f, "next_hop_ip", hop.address());
            put(f, "mx_preference", hop.mxPreference());
            if (hop.tls() != null) {
                f.put("tls", hop.tls().protocol());
                f.put("tls_cipher", hop.tls().cipher());
                f.put("tls_verified", hop.tls().verified());
            }
        }
        f.put("reply_code", r.reply().code());
        put(f, "reply_enhanced", r.reply().status());
        Duration delay = Duration.between(envelope.arrival(), time);
        if (!delay.isNegative()) {
            f.put("delay", seconds(delay));
        }
        Map<String, Object> delays = delays(r.times());
        if (!delays.isEmpty()) {
            f.put("delays", delays);
        }
        put(f, "dkim_signed", facts.dkimSigned());
        put(f, "dkim_domain", facts.dkimDomain());
        if (!facts.dkimSelectors().isEmpty()) {
            f.put("dkim_selectors", facts.dkimSelectors());
        }
        return f;
    }

    /** Postfix's {@code delays=a/b/c/d} without {@code a}, by name; only the parts measured. */
    private static Map<String, Object> delays(AttemptTimes t) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (t.inQueue() != null) {
            d.put("in_queue", seconds(t.inQueue()));
        }
        if (t.connectionSetup() != null) {
            d.put("connection_setup", seconds(t.connectionSetup()));
        }
        if (t.transmission() != null) {
            d.put("transmission", seconds(t.transmission()));
        }
        return d;
    }

    /** Seconds to the millisecond, as a JSON number. */
    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void put(Map<String, Object> f, String name, Object value) {
        if (value != null) {
            f.put(name, value);
        }
    }
}
