package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers every request on a connection that came over the per-address limit ({@link ClientConnectionLimit}) with
 * {@code 429 too-many-connections} (problem JSON, {@code Retry-After}, {@code Connection: close}), before any
 * servlet, web application or authentication runs; other requests pass through.
 */
final class OverLimitAnswer extends Handler.Wrapper {

    static final int RETRY_AFTER_SECONDS = 5;

    private final ClientConnectionLimit limit;

    OverLimitAnswer(ClientConnectionLimit limit, Handler next) {
        super(next);
        this.limit = limit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!limit.isOverLimit(request.getConnectionMetaData().getRemoteSocketAddress())) {
            return super.handle(request, response, callback);
        }
        response.setStatus(429);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(limit.limit(), request.getHttpURI().getPath())), callback);
        return true;
    }

    static byte[] body(int limit, String instance) {
        ApiProblem p = new ApiProblem(429, "too-many-connections", "Too many connections", limit + " connections from"
                + " this address are open already (mailhub.http.connections-per-client); reuse or close one and try"
                + " again", List.of(), "4.7.0", RETRY_AFTER_SECONDS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MessageJson.JSON.createGenerator(out)) {
            ApiResponses.writeProblem(g, p, instance);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
