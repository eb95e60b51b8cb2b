package io.mailhub.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The SMTP envelope of a queued message and the facts about its arrival. It travels with the message through every
 * queue as message properties (see {@link EnvelopeHeaders}).
 *
 * @param queueId our id for the message, shown in logs and the Received header
 * @param sender the reverse-path, {@code null} for the null sender {@code <>} (bounces)
 * @param recipients the forward-paths with their DSN parameters
 * @param ret RFC 3461 RET, or {@code null}
 * @param envid RFC 3461 ENVID as xtext, or {@code null}
 * @param body the declared body type
 * @param smtputf8 whether the client asked for SMTPUTF8 (RFC 6531)
 * @param clientAddress the client's IP address (or the ingress name for non-SMTP ingress)
 * @param clientHelo the HELO/EHLO name, or {@code null}
 * @param authUser the authenticated identity, or {@code null}
 * @param arrival when the message was accepted
 * @param size the stored size in octets, or -1 when not known yet
 */
public record Envelope(
        String queueId,
        MailAddress sender,
        List<Recipient> recipients,
        DsnRet ret,
        String envid,
        BodyType body,
        boolean smtputf8,
        String clientAddress,
        String clientHelo,
        String authUser,
        Instant arrival,
        long size) {

    public Envelope {
        Objects.requireNonNull(queueId, "queueId");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(arrival, "arrival");
    }

    public boolean isNullSender() {
        return sender == null;
    }

    /** The reverse-path as written in MAIL FROM, {@code <>} for the null sender. */
    public String senderPath() {
        return sender == null ? "<>" : "<" + sender + ">";
    }

    public Envelope withRecipients(List<Recipient> newRecipients) {
        return new Envelope(queueId, sender, newRecipients, ret, envid, body, smtputf8, clientAddress, clientHelo,
                authUser, arrival, size);
    }

    /** The same envelope with another reverse-path ({@code null}: the null sender). */
    public Envelope withSender(MailAddress newSender) {
        return new Envelope(queueId, newSender, recipients, ret, envid, body, smtputf8, clientAddress, clientHelo,
                authUser, arrival, size);
    }

    public Envelope withSize(long newSize) {
        return new Envelope(queueId, sender, recipients, ret, envid, body, smtputf8, clientAddress, clientHelo,
                authUser, arrival, newSize);
    }
}
