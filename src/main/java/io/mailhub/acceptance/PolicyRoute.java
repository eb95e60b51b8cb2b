package io.mailhub.acceptance;

import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user's policy route ({@code from: direct:policy}), asked for every message of every door after the built-in
 * checks and before the durable enqueue: what it decides is answered in the door's own terms (an SMTP reply in the
 * session, an HTTP problem, a {@code .reason} file, the JMS invalid queue), so a refusal never becomes a bounce.
 */
public interface PolicyRoute {

    /**
     * The annotation of a discard ({@code mailhub:discard}), its reason as the value. The acceptance stage answers as
     * if the message were queued and stores only the copies the route added; a message queued with it by an older
     * hub is dropped by dispatch.
     */
    String DISCARD = "MailhubDiscard";

    /**
     * @param envelope the envelope as it will be queued
     * @param origin the door, principal and client
     * @param annotations the message properties the door and the checks set ({@code MailhubSpf}, tags, ...)
     * @param content the message as submitted (the route may read it; it stays open)
     * @return what the route decided; {@link Decision#NONE} when there is no policy route
     */
    Decision decide(Envelope envelope, Origin origin, Map<String, String> annotations, MessageContent content);

    /**
     * A policy route's decision.
     *
     * @param refusal the reply to refuse the message with (its code and enhanced status, or a 451 when the route
     *     failed), or {@code null}: go on
     * @param extraRecipients recipients to add (archive copies), not yet in the envelope
     * @param removeFields header field names (lower case) to remove from the message
     * @param addFields header fields to add at the top of the message ({@code Name: value}, without CRLF)
     * @param annotations message properties to store with the message (a hold, a chosen transport)
     * @param rewritten the envelope's sender and recipients after the route's address rewrites, or {@code null}: as
     *     they were
     */
    record Decision(SmtpReply refusal, List<Recipient> extraRecipients, Set<String> removeFields,
            List<String> addFields, Map<String, String> annotations, Rewritten rewritten) {

        public static final Decision NONE = new Decision(null, List.of(), Set.of(), List.of(), Map.of(), null);

        /** The envelope after address rewrites. */
        public record Rewritten(io.mailhub.model.MailAddress sender, List<Recipient> recipients) {}

        public Decision {
            extraRecipients = List.copyOf(extraRecipients);
            removeFields = Set.copyOf(removeFields);
            addFields = List.copyOf(addFields);
            annotations = Map.copyOf(annotations);
        }

        public static Decision refuse(SmtpReply reply) {
            return new Decision(reply, List.of(), Set.of(), List.of(), Map.of(), null);
        }

        public boolean editsHeader() {
            return !removeFields.isEmpty() || !addFields.isEmpty();
        }

        /** Why the route discarded the message, or {@code null}. */
        public String discardReason() {
            return annotations.get(DISCARD);
        }
    }
}
