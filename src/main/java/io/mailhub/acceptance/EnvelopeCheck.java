package io.mailhub.acceptance;

import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.util.List;
import java.util.Map;

/**
 * The policy's answer to a whole envelope: the sender refused (then nothing else counts), or the recipients taken
 * (duplicates merged) and those refused with their replies.
 *
 * @param senderRefusal the reply refusing the sender, or {@code null}
 * @param accepted the recipients that may receive the message
 * @param refused each refused recipient with its reply, in request order
 */
public record EnvelopeCheck(SmtpReply senderRefusal, List<Recipient> accepted, Map<Recipient, SmtpReply> refused) {

    public EnvelopeCheck {
        accepted = List.copyOf(accepted);
        refused = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(refused));
    }
}
