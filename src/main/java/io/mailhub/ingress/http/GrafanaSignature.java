package io.mailhub.ingress.http;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Grafana's webhook HMAC ({@code hmacConfig} of a webhook contact point): {@code X-Grafana-Alerting-Signature} is the
 * lowercase hex HMAC-SHA256 of the body with the shared secret, or of {@code TIMESTAMP:body} when Grafana is set to send
 * a timestamp header ({@code X-Grafana-Alerting-Signature-Timestamp} or {@code X-Grafana-Alerting-Timestamp}: Unix
 * seconds, accepted within 5 minutes of the hub's clock).
 */
final class GrafanaSignature {

    static final String HEADER = "X-Grafana-Alerting-Signature";
    static final List<String> TIMESTAMP_HEADERS = List.of("X-Grafana-Alerting-Signature-Timestamp",
            "X-Grafana-Alerting-Timestamp");
    private static final long MAX_SKEW_SECONDS = 300;

    private GrafanaSignature() {}

    static void check(HttpServletRequest req, byte[] body, String secret, Clock clock) throws ApiProblem {
        String given = req.getHeader(HEADER);
        if (given == null || given.isBlank()) {
            throw refused("the receiver has a secret: the request needs an " + HEADER + " header");
        }
        String timestamp = null;
        for (String h : TIMESTAMP_HEADERS) {
            timestamp = timestamp == null ? req.getHeader(h) : timestamp;
        }
        byte[] signed = body;
        if (timestamp != null) {
            long ts;
            try {
                ts = Long.parseLong(timestamp.strip());
            } catch (NumberFormatException e) {
                throw refused("the timestamp header is not Unix seconds");
            }
            if (Math.abs(clock.millis() / 1000 - ts) > MAX_SKEW_SECONDS) {
                throw refused("the timestamp is more than 5 minutes away from the hub's clock (a replay?)");
            }
            byte[] prefix = (timestamp.strip() + ":").getBytes(StandardCharsets.US_ASCII);
            signed = new byte[prefix.length + body.length];
            System.arraycopy(prefix, 0, signed, 0, prefix.length);
            System.arraycopy(body, 0, signed, prefix.length, body.length);
        }
        if (!MessageDigest.isEqual(hmac(secret, signed).getBytes(StandardCharsets.US_ASCII),
                given.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw refused("the signature does not match the body and the receiver's secret");
        }
    }

    static String hmac(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiProblem refused(String detail) {
        return new ApiProblem(401, "unauthorized", "The signature is missing or wrong", detail,
                List.of(new ApiProblem.FieldError(HEADER, detail)), "5.7.8", 0);
    }
}
