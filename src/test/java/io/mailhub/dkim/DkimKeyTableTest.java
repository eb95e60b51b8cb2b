package io.mailhub.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimKeyTableTest {

    @TempDir
    Path dir;

    private Path key(String name, String algorithm, int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            g.initialize(bits);
        }
        byte[] der = g.generateKeyPair().getPrivate().getEncoded();
        return Files.writeString(dir.resolve(name), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    }

    @Test
    void loadsRsaAndEd25519KeysPerDomainWithTheirDnsRecords() throws Exception {
        key("rsa.pem", "RSA", 2048);
        key("ed.pem", "Ed25519", 0);
        Path table = Files.writeString(dir.resolve("keys"),
                "# domain selector key\nExample.TEST  rsa2026  rsa.pem\nexample.test ed2026 ed.pem\nother.test s1 rsa.pem\n");

        Map<String, List<DkimKey>> keys = DkimKeyTable.load(table);

        assertThat(keys).containsOnlyKeys("example.test", "other.test");
        assertThat(keys.get("example.test")).extracting(DkimKey::algorithm)
                .containsExactly(DkimAlgorithm.RSA_SHA256, DkimAlgorithm.ED25519_SHA256);
        DkimKey ed = keys.get("example.test").get(1);
        assertThat(ed.recordName()).isEqualTo("ed2026._domainkey.example.test");
        assertThat(ed.recordValue()).matches("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=");
        assertThat(keys.get("example.test").get(0).zoneFileLine())
                .startsWith("rsa2026._domainkey.example.test. IN TXT ( \"v=DKIM1; k=rsa; p=MIIBIjAN").endsWith("\" )")
                .contains("\" \""); // longer than 255 octets: two strings
    }

    @Test
    void aBadLineStopsStartUpWithItsNumber() throws Exception {
        key("weak.pem", "RSA", 512);
        key("ec.pem", "EC", 256);
        assertThatThrownBy(() -> DkimKeyTable.load(Files.writeString(dir.resolve("t1"), "\nexample.test s1\n")))
                .hasMessageEndingWith("t1 line 2: expected 'domain selector keyfile', found 2 field(s)");
        assertThatThrownBy(() -> DkimKeyTable.load(Files.writeString(dir.resolve("t2"), "not_a_domain s1 weak.pem\n")))
                .hasMessageEndingWith("t2 line 1: 'not_a_domain' is not a domain name");
        assertThatThrownBy(() -> DkimKeyTable.load(Files.writeString(dir.resolve("t3"), "example.test s1 weak.pem\n")))
                .hasMessageContaining("t3 line 1: ").hasMessageContaining("512 bits is too weak");
        assertThatThrownBy(() -> DkimKeyTable.load(Files.writeString(dir.resolve("t4"), "example.test s1 ec.pem\n")))
                .hasMessageContaining("t4 line 1: ").hasMessageContaining("cannot sign DKIM; use RSA (2048 bits) or Ed25519");
        assertThatThrownBy(() -> DkimKeyTable.load(Files.writeString(dir.resolve("t5"), "example.test s1 missing.pem\n")))
                .hasMessageContaining("t5 line 1: cannot read key file");
    }

    @Test
    void theSigningDomainIsTheDomainOfTheFromAddress() {
        assertThat(MessageHeader.fromDomain(List.of("From: Alice <alice@Example.TEST>\r\n"))).isEqualTo("example.test");
        assertThat(MessageHeader.fromDomain(List.of("from:bob@b.test\r\n"))).isEqualTo("b.test");
        assertThat(MessageHeader.fromDomain(List.of("From: \"x@y\" <c@c.test>,\r\n d@d.test\r\n"))).isEqualTo("c.test");
        assertThat(MessageHeader.fromDomain(List.of("Subject: no from\r\n"))).isNull();
        assertThat(MessageHeader.fromDomain(List.of("From: undisclosed\r\n"))).isNull();
    }
}
