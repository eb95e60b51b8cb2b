package io.mailhub.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * rspamd's normal worker protocol: {@code POST /checkv2} with the message as the body and the envelope in request
 * headers ({@code From}, {@code Rcpt} per recipient, {@code IP}, {@code Helo}, {@code User}, {@code Queue-Id}); the
 * JSON answer's {@code score}, {@code required_score}, {@code action} and {@code symbols}.
 */
public final class RspamdClient implements SpamFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI check;
    private final Duration timeout;
    private final HttpClient http;

    /** @param base {@code http://host:11333} */
    public RspamdClient(URI base, Duration timeout) {
        this.check = base.resolve("/checkv2");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String name() {
        return "rspamd";
    }

    @Override
    public SpamVerdict check(Envelope e, MessageContent content) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(check).timeout(timeout)
                .header("Queue-Id", e.queueId())
                .header("From", e.sender() == null ? "<>" : e.sender().toString())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return content.openStream();
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }));
        for (Recipient r : e.recipients()) {
            req.header("Rcpt", r.address().toString());
        }
        if (e.clientAddress() != null) {
            req.header("IP", e.clientAddress());
        }
        if (e.clientHelo() != null) {
            req.header("Helo", e.clientHelo());
        }
        if (e.authUser() != null) {
            req.header("User", e.authUser());
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException ex) {
            throw new IOException("rspamd did not answer within " + timeout.toMillis() + " ms", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for rspamd", ex);
        }
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("rspamd answered HTTP " + r.statusCode());
            }
            return parse(JSON.readTree(body));
        }
    }

    static SpamVerdict parse(JsonNode n) throws IOException {
        if (!n.path("score").isNumber() || !n.path("action").isTextual()) {
            throw new IOException("rspamd's answer has no score or action: " + n);
        }
        List<String> symbols = new ArrayList<>();
        for (Iterator<String> it = n.path("symbols").fieldNames(); it.hasNext(); ) {
            symbols.add(it.next());
        }
        return new SpamVerdict(n.path("score").asDouble(), n.path("required_score").asDouble(),
                n.path("action").asText(), symbols);
    }
}
