package io.mailhub.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MessageContent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our verifier against our signer (the independent cross-checks are in DkimSigningIT and InboundAuthenticationIT). */
class DkimVerifierTest {

    @TempDir
    Path dir;

    private final Map<String, List<String>> dns = new HashMap<>();
    private DkimSigner signer;
    private final DkimVerifier verifier = new DkimVerifier(name -> dns.getOrDefault(name, List.of()), Clock.systemUTC());

    private static MessageContent content(String text) {
        return MessageContent.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private DkimKey key(String selector, String algorithm, int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            g.initialize(bits);
        }
        Path file = Files.writeString(dir.resolve(selector + ".pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        DkimKey key = DkimKey.load("example.test", selector, file);
        dns.put(key.recordName(), List.of(key.recordValue()));
        return key;
    }

    @BeforeEach
    void keys() throws Exception {
        signer = new DkimSigner(Map.of("example.test", List.of(key("rsa", "RSA", 2048), key("ed", "Ed25519", 0))),
                Clock.systemUTC());
    }

    private String signed(String message) throws Exception {
        try (InputStream in = signer.sign(content(message)).openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<String> results(String message) throws Exception {
        return verifier.verify(content(message)).stream().map(o -> o.algorithm() + " " + o.result().keyword()).toList();
    }

    @Test
    void aMessageARouteEditedAfterSigningIsSignedAgainWhileAnotherDomainsSignatureStays() throws Exception {
        String foreign = "DKIM-Signature: v=1; a=rsa-sha256; d=origin.test; s=x;\r\n\th=from; bh=AAAA; b=BBBB\r\n";
        String message = signed(foreign + "From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\n"
                + "Subject: hi\r\n\r\nHello Bob\r\n");
        String edited = "X-Routed: yes\r\n" + message.replace("Subject: hi", "Subject: [EXT] hi");
        assertThat(results(edited)).as("the route's edit breaks the first signatures")
                .contains("rsa-sha256 fail", "ed25519-sha256 fail");

        String again = new String(signer.resigned(edited.getBytes(StandardCharsets.UTF_8), "example.test",
                List.of("rsa", "ed")), StandardCharsets.UTF_8);

        assertThat(results(again)).startsWith("rsa-sha256 pass", "ed25519-sha256 pass");
        assertThat(again.split("DKIM-Signature:", -1)).as("two of ours and the foreign one").hasSize(4);
        assertThat(again).contains(foreign).contains("X-Routed: yes\r\n").contains("Subject: [EXT] hi\r\n");
    }

    @Test
    void whatWeSignWeVerifyAndAnyChangeFails() throws Exception {
        String message = signed("From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\nSubject: hi\r\n\r\n"
                + "Hello  Bob \r\n\r\n");
        assertThat(results(message)).containsExactly("rsa-sha256 pass", "ed25519-sha256 pass");
        assertThat(results(message.replace("Hello", "Jello"))).containsExactly("rsa-sha256 fail", "ed25519-sha256 fail");
        assertThat(results(message.replace("Subject: hi", "Subject: ho")))
                .containsExactly("rsa-sha256 fail", "ed25519-sha256 fail");
        // relaxed canonicalization forgives whitespace changes on the way
        assertThat(results(message.replace("Hello  Bob", "Hello Bob").replace("Subject: hi", "Subject:   hi")))
                .containsExactly("rsa-sha256 pass", "ed25519-sha256 pass");
    }

    @Test
    void aRevokedOrMissingKeyIsPermerrorAndAnUnsignedMessageHasNoResults() throws Exception {
        String message = signed("From: alice@example.test\r\nSubject: x\r\n\r\nbody\r\n");
        dns.put("rsa._domainkey.example.test", List.of("v=DKIM1; k=rsa; p="));
        dns.remove("ed._domainkey.example.test");
        assertThat(verifier.verify(content(message))).extracting(o -> o.result().keyword() + ": " + o.reason())
                .containsExactly("permerror: key at rsa._domainkey.example.test is revoked",
                        "permerror: no key at ed._domainkey.example.test");
        assertThat(verifier.verify(content("From: a@b.test\r\n\r\nx\r\n"))).isEmpty();
    }

    @Test
    void rsaSha1AndSignaturesWithoutFromAreNotAccepted() throws Exception {
        String sha1 = "DKIM-Signature: v=1; a=rsa-sha1; d=example.test; s=rsa; h=from; bh=AAAA; b=AAAA\r\n"
                + "From: a@example.test\r\n\r\nx\r\n";
        String noFrom = "DKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=rsa; h=subject; bh=AAAA; b=AAAA\r\n"
                + "From: a@example.test\r\n\r\nx\r\n";
        assertThat(verifier.verify(content(sha1)).get(0).reason()).contains("RFC 8301");
        assertThat(verifier.verify(content(noFrom)).get(0).reason()).isEqualTo("From is not signed (h=)");
    }
}
