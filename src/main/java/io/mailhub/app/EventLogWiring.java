package io.mailhub.app;

import io.mailhub.acceptance.AcceptanceEvents;
import io.mailhub.acceptance.Decision;
import io.mailhub.acceptance.Submission;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.model.Recipient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The acceptance stage's decisions as {@code received} and {@code rejected} lines of the event log. */
final class EventLogWiring implements AcceptanceEvents {

    private final DeliveryEvents events;
    private final Clock clock;

    EventLogWiring(DeliveryEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void decided(Submission s, Decision d) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("door", s.origin().door().label());
        f.put("principal", s.origin().authUser());
        f.put("client", s.origin().client().getHostAddress());
        f.put("helo", s.origin().clientHelo());
        f.put("sender", s.sender() == null ? "" : s.sender().toString());
        f.put("recipients", s.recipients().stream().map(Recipient::address).map(Object::toString).toList());
        if (d.isAccepted()) {
            f.put("message_id", d.messageId());
            f.put("size", d.size());
            f.put("tls", s.origin().trace().tlsProtocol());
            f.put("tags", tags(s.annotations().get(io.mailhub.model.EnvelopeHeaders.TAGS)));
            events.note(clock.instant(), d.queueId(), "received", f);
        } else {
            f.put("code", d.reply().code());
            f.put("enhanced", d.reply().status());
            f.put("reply", d.reply().toWire().strip());
            events.note(clock.instant(), s.queueId(), "rejected", f);
        }
    }

    private static java.util.List<String> tags(String tags) {
        return tags == null || tags.isEmpty() ? null : java.util.List.of(tags.split(","));
    }
}
