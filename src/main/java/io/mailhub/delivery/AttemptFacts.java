package io.mailhub.delivery;

import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.model.EnvelopeHeaders;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the event log says about a delivery attempt beyond the envelope and the relay's report: facts the message
 * carries from its acceptance, and the route that made the attempt. Each is {@code null} when not known (a message
 * queued before its acceptance stage recorded it, a notice the hub made itself).
 *
 * @param routeId the Camel route the attempt's exchange came from: {@code dispatch} (first attempt) or {@code retry}
 * @param door the door that accepted the message ({@code MailhubIngress})
 * @param messageId the Message-ID, without angle brackets
 * @param dkimSigned whether the acceptance stage DKIM-signed the message
 * @param dkimDomain the signing domain ({@code d=}) when signed
 * @param dkimSelectors the selectors ({@code s=}) of its signatures when signed, else empty
 */
public record AttemptFacts(String routeId, String door, String messageId, Boolean dkimSigned, String dkimDomain,
        List<String> dkimSelectors) {

    /** Nothing known. */
    public static final AttemptFacts NONE = new AttemptFacts(null, null, null, null, null, List.of());

    public AttemptFacts {
        dkimSelectors = dkimSelectors == null ? List.of() : List.copyOf(dkimSelectors);
    }

    /** The facts of a delivery exchange: its route and the properties the acceptance stage set. */
    public static AttemptFacts of(Exchange exchange) {
        Message m = exchange.getMessage();
        String signed = m.getHeader(EnvelopeHeaders.DKIM_SIGNED, String.class);
        String selectors = m.getHeader(EnvelopeHeaders.DKIM_SELECTORS, String.class);
        return new AttemptFacts(exchange.getFromRouteId(), m.getHeader(MailAcceptance.INGRESS, String.class),
                m.getHeader(EnvelopeHeaders.MESSAGE_ID, String.class), signed == null ? null : Boolean.valueOf(signed),
                m.getHeader(EnvelopeHeaders.DKIM_DOMAIN, String.class),
                selectors == null || selectors.isEmpty() ? List.of() : List.of(selectors.split(",")));
    }
}
