package io.mailhub.ingress.http;

import io.mailhub.auth.ApiKey;
import io.mailhub.auth.ApiKeys;
import io.mailhub.auth.AuthFailures;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the API key of a request: {@code Authorization: Bearer KEY}, {@code X-Api-Key: KEY}, Postmark's
 * {@code X-Postmark-Server-Token: KEY}, or HTTP Basic with the key as the password (Mailgun's {@code api:KEY}). A
 * missing or unknown key is 401; failures count towards the same per-address lockout as SMTP AUTH, and a locked-out
 * address gets 429 before its key is even looked at.
 */
final class ApiAuth {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    private final ApiKeys keys;
    private final AuthFailures failures;
    private volatile io.micrometer.core.instrument.Counter failureCounter;

    /** @param keys the keys file, or {@code null}: every call is refused (no {@code mailhub.api.keys-file}) */
    ApiAuth(ApiKeys keys, AuthFailures failures) {
        this.keys = keys;
        this.failures = failures;
    }

    void countFailuresIn(io.micrometer.core.instrument.Counter counter) {
        this.failureCounter = counter;
    }

    ApiKey authenticate(HttpServletRequest req) throws ApiProblem {
        InetAddress client = client(req);
        if (failures != null && failures.isLocked(client)) {
            throw new ApiProblem(429, "locked-out", "Too many failed authentications",
                    "too many failed logins from " + client.getHostAddress() + "; try again later", List.of(), "4.7.0",
                    Math.max(1, (failures.lockedFor(client).toMillis() + 999) / 1000));
        }
        String secret = secret(req);
        ApiKey key = secret == null || keys == null ? null : keys.find(secret);
        if (key == null) {
            io.micrometer.core.instrument.Counter counted = failureCounter;
            if (counted != null) {
                counted.increment();
            }
            if (secret != null && failures != null) {
                failures.failed(client);
            }
            LOG.warn("[{}]: API authentication failed ({})", client.getHostAddress(),
                    keys == null ? "no mailhub.api.keys-file" : secret == null ? "no key" : "unknown key");
            throw new ApiProblem(401, "unauthorized", "A valid API key is required", secret == null
                    ? "send the key as Authorization: Bearer KEY (or X-Api-Key: KEY)" : "the API key is not valid",
                    List.of(), "5.7.8", 0);
        }
        return key;
    }

    /** The key of a request to a send endpoint: a key scoped to the webhooks is refused (403). */
    ApiKey authenticateSender(HttpServletRequest req) throws ApiProblem {
        ApiKey key = authenticate(req);
        if (!key.maySend()) {
            throw forbidden(req, key, "send mail");
        }
        return key;
    }

    /** The key of a request to a webhook: a key scoped to the send endpoints is refused (403). */
    ApiKey authenticateWebhook(HttpServletRequest req) throws ApiProblem {
        ApiKey key = authenticate(req);
        if (!key.mayPostWebhooks()) {
            throw forbidden(req, key, "post monitoring webhooks");
        }
        return key;
    }

    /**
     * The key of a request that manages the hub's suppression list: only a key with {@code scope=all}, since the list
     * is the hub's, not the key's (403 otherwise).
     */
    ApiKey authenticateManager(HttpServletRequest req) throws ApiProblem {
        ApiKey key = authenticate(req);
        if (key.scope() != ApiKey.Scope.ALL) {
            throw forbidden(req, key, "manage the suppression list");
        }
        return key;
    }

    private static ApiProblem forbidden(HttpServletRequest req, ApiKey key, String what) {
        LOG.warn("[{}]: API key {} (scope={}) may not {}: {} refused", req.getRemoteAddr(), key.name(),
                key.scope().keyword(), what, req.getRequestURI());
        return new ApiProblem(403, "scope-not-allowed", "The API key may not call this endpoint", "key " + key.name()
                + " has scope=" + key.scope().keyword() + " and may not " + what, List.of(), "5.7.1", 0);
    }

    static String secret(HttpServletRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(Base64.getDecoder().decode(auth.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                return colon < 0 ? null : userPass.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        String key = req.getHeader("X-Api-Key");
        if (key == null) {
            key = req.getHeader("X-Postmark-Server-Token");
        }
        return key == null ? null : key.strip();
    }

    static InetAddress client(HttpServletRequest req) {
        try {
            return InetAddress.getByName(req.getRemoteAddr()); // an address literal: never a name lookup
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
