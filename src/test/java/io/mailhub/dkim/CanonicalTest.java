package io.mailhub.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CanonicalTest {

    private static String bodyHash(String body) throws Exception {
        Canonical.Body b = new Canonical.Body(MessageDigest.getInstance("SHA-256"));
        b.write(body.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(b.finish());
    }

    private static String sha256(String canonical) throws Exception {
        return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void headersAreRelaxedAsInTheExampleOfRfc6376Section345() {
        assertThat(Canonical.header("A: X\r\n")).isEqualTo("a:X\r\n");
        assertThat(Canonical.header("B : Y\t\r\n\tZ  \r\n")).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void theBodyIsRelaxedAsInTheExampleOfRfc6376Section345() throws Exception {
        assertThat(bodyHash(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(sha256(" C\r\nD E\r\n"));
    }

    @Test
    void anEmptyBodyOrOneOfEmptyLinesHashesAsNothing() throws Exception {
        String empty = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; // SHA-256 of zero octets
        assertThat(bodyHash("")).isEqualTo(empty);
        assertThat(bodyHash("\r\n\r\n  \r\n")).isEqualTo(empty);
    }

    @Test
    void aLastLineWithoutCrlfGetsOneAndEmptyLinesInsideStay() throws Exception {
        assertThat(bodyHash("a\r\n\r\n\r\nb")).isEqualTo(sha256("a\r\n\r\n\r\nb\r\n"));
        assertThat(bodyHash("x\tx  \t\r\n")).isEqualTo(sha256("x x\r\n"));
    }

    @Test
    void theBodyGivesTheSameHashHoweverItIsSplit() throws Exception {
        String body = "Hello  \t there \r\n\r\n  indented\r\n\r\n\r\n";
        Canonical.Body b = new Canonical.Body(MessageDigest.getInstance("SHA-256"));
        for (byte octet : body.getBytes(StandardCharsets.UTF_8)) {
            b.write(octet);
        }
        assertThat(Base64.getEncoder().encodeToString(b.finish())).isEqualTo(bodyHash(body))
                .isEqualTo(sha256("Hello there\r\n\r\n indented\r\n"));
    }
}
