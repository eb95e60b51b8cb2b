package io.mailhub.ingress.pickup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code NAME.json} beside {@code NAME.eml}: the envelope of the message, in the send API's words:
 * {@code {"envelope": {"mail_from": "a@b", "rcpt_to": ["c@d", ...]}}} ({@code mail_from} {@code ""} or {@code "<>"} is
 * the null sender; either may be left out, and then comes from the message's header). Other fields are refused: the
 * message itself is the .eml.
 */
record SidecarEnvelope(boolean senderGiven, MailAddress sender, List<Recipient> recipients) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MAX_SIZE = 1 << 20;

    /** @throws SyntaxException what is wrong, naming the field */
    static SidecarEnvelope read(Path file) throws IOException, SyntaxException {
        if (Files.size(file) > MAX_SIZE) {
            throw new SyntaxException("is larger than 1 MiB");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new SyntaxException("is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SyntaxException("must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("envelope")) {
                throw new SyntaxException("field " + f + ": beside NAME.eml only envelope is taken");
            }
        }
        JsonNode env = root.path("envelope");
        if (!env.isObject()) {
            throw new SyntaxException("field envelope: must be an object with mail_from and rcpt_to");
        }
        boolean senderGiven = env.has("mail_from");
        MailAddress sender = null;
        if (senderGiven) {
            String v = env.get("mail_from").asText("");
            if (!env.get("mail_from").isTextual()) {
                throw new SyntaxException("field envelope.mail_from: must be a string");
            }
            sender = v.isBlank() || v.strip().equals("<>") ? null : address(v, "envelope.mail_from");
        }
        List<Recipient> rcpts = new ArrayList<>();
        if (env.has("rcpt_to")) {
            if (!env.get("rcpt_to").isArray()) {
                throw new SyntaxException("field envelope.rcpt_to: must be an array of addresses");
            }
            int i = 0;
            for (JsonNode r : env.get("rcpt_to")) {
                rcpts.add(Recipient.of(address(r.asText(""), "envelope.rcpt_to[" + i++ + "]")));
            }
        }
        for (Iterator<String> it = env.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("mail_from") && !f.equals("rcpt_to")) {
                throw new SyntaxException("field envelope." + f + ": unknown (mail_from, rcpt_to)");
            }
        }
        return new SidecarEnvelope(senderGiven, sender, List.copyOf(rcpts));
    }

    private static MailAddress address(String text, String field) throws SyntaxException {
        try {
            return SmtpPath.looseMailbox(text);
        } catch (SyntaxException e) {
            throw new SyntaxException("field " + field + ": '" + text + "' is not an address");
        }
    }
}
