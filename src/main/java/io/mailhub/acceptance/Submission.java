package io.mailhub.acceptance;

import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.model.BodyType;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message a door hands to the acceptance stage. The content has passed the door's own syntax checks (SMTP: line
 * ends, NUL, line length while receiving; HTTP: a message the door built, or raw content it checked the same way).
 *
 * @param origin who and where from
 * @param sender the reverse-path, {@code null} for {@code <>}
 * @param recipients the forward-paths, not empty
 * @param ret RFC 3461 RET, or {@code null}
 * @param envid RFC 3461 ENVID (xtext), or {@code null}
 * @param body the body type
 * @param smtputf8 whether the addresses or headers need SMTPUTF8
 * @param content the message as submitted
 * @param headers what a scan of the content's header section found
 * @param annotations extra message properties for the routes (names start with {@code Mailhub}; the door chooses them,
 *     never the client)
 * @param deliverAt when the first delivery attempt may start (scheduled delivery), or {@code null} for now
 * @param queueId the queue id the door chose (derived from an idempotency key, so a repeated request makes the same
 *     message, which the broker then stores only once), or {@code null} for a new one
 */
public record Submission(
        Origin origin,
        MailAddress sender,
        List<Recipient> recipients,
        DsnRet ret,
        String envid,
        BodyType body,
        boolean smtputf8,
        MessageContent content,
        HeaderScanner headers,
        Map<String, String> annotations,
        Instant deliverAt,
        String queueId) {

    public Submission {
        recipients = List.copyOf(recipients);
        annotations = Map.copyOf(annotations);
    }

    /** A submission with a new queue id. */
    public Submission(Origin origin, MailAddress sender, List<Recipient> recipients, DsnRet ret, String envid,
            BodyType body, boolean smtputf8, MessageContent content, HeaderScanner headers,
            Map<String, String> annotations, Instant deliverAt) {
        this(origin, sender, recipients, ret, envid, body, smtputf8, content, headers, annotations, deliverAt, null);
    }
}
