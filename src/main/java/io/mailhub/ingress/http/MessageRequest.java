package io.mailhub.ingress.http;

import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A message as the API's JSON describes it ({@code POST /api/v1/messages}); the provider aliases map their own
 * fields to it. Attachments are already decoded into spooled content, so a large request is never whole in memory.
 */
record MessageRequest(
        Address from,
        List<Address> to,
        List<Address> cc,
        List<Address> bcc,
        List<Address> replyTo,
        Envelope envelope,
        String subject,
        String text,
        String html,
        List<Header> headers,
        List<Attachment> attachments,
        Template template,
        List<Personal> recipients,
        List<String> tags,
        Map<String, String> metadata,
        String route,
        Instant sendAt,
        Dsn dsn,
        boolean sandbox) {

    /** A display name (may be null) and an address. */
    record Address(String name, MailAddress email) {}

    /** The SMTP envelope when it differs from the headers; {@code mailFrom} null with {@code nullSender} for {@code <>}. */
    record Envelope(MailAddress mailFrom, boolean nullSender, List<MailAddress> rcptTo) {}

    record Header(String name, String value) {}

    /** One attachment; a {@code contentId} makes it inline (multipart/related with the HTML). */
    record Attachment(String filename, String contentType, MessageContent content, String contentId,
            String disposition) {}

    /** A template of {@code config/templates/} and its model. */
    record Template(String id, Map<String, Object> model) {}

    /** One of {@code recipients}: a message of its own with its own model and headers. */
    record Personal(Address email, Map<String, Object> model, List<Header> headers) {}

    record Dsn(Set<DsnNotify> notifyOn, DsnRet ret, String envid) {}

    /** Releases the spooled attachments (their files). */
    void discard() {
        attachments.forEach(a -> a.content().close());
    }
}
