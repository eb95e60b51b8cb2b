package io.mailhub.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportMapTest {

    @TempDir
    Path dir;

    private TransportMap map(String... lines) throws Exception {
        Path file = dir.resolve("transport");
        Files.write(file, List.of(lines));
        return TransportMap.load(file, 25);
    }

    @Test
    void anExactDomainWinsOverItsParentAndDotDomainMatchesOnlySubdomains() throws Exception {
        TransportMap m = map("example.com [a.example.com]:587", ".example.com mx", "# comment", "");

        assertThat(m.lookup("EXAMPLE.com")).get().extracting(TransportMap.Entry::pattern).isEqualTo("example.com");
        assertThat(m.lookup("mail.sub.example.com")).get().extracting(TransportMap.Entry::pattern)
                .isEqualTo(".example.com");
        assertThat(m.lookup("notexample.com")).isEmpty();
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void internationalizedDomainsMayBeWrittenEitherWayAndAreLookedUpByTheirALabels() throws Exception {
        TransportMap m = map("b\u00fccher.example [a.example.com]:25", ".xn--mnchen-3ya.example mx");

        assertThat(m.lookup("xn--bcher-kva.example")).get().extracting(TransportMap.Entry::pattern)
                .isEqualTo("xn--bcher-kva.example");
        assertThat(m.lookup("mail.xn--mnchen-3ya.example")).isPresent();
    }

    @Test
    void nextHopsAreMxMxOfAnotherDomainOrAFixedHostWithTheDefaultPort() throws Exception {
        TransportMap m = map("a.test mx", "b.test mx:relay.b.test", "c.test [10.0.0.1]", "d.test host.d.test:2525");

        assertThat(m.lookup("a.test").get().nextHop()).isEqualTo(new TransportMap.NextHopSpec.Mx(null));
        assertThat(m.lookup("b.test").get().nextHop()).isEqualTo(new TransportMap.NextHopSpec.Mx("relay.b.test"));
        assertThat(((TransportMap.NextHopSpec.Host) m.lookup("c.test").get().nextHop()).destination().port())
                .isEqualTo(25);
        assertThat(((TransportMap.NextHopSpec.Host) m.lookup("d.test").get().nextHop()).destination().port())
                .isEqualTo(2525);
    }

    @Test
    void anLmtpNextHopNamesItsHostAndPortOrPort24() throws Exception {
        TransportMap m = map("mbox.test lmtp:[10.0.0.5]:2424", "dovecot.test lmtp:imap.dovecot.test");

        TransportMap.NextHopSpec.Lmtp mbox = (TransportMap.NextHopSpec.Lmtp) m.lookup("mbox.test").get().nextHop();
        assertThat(mbox.destination().toString()).isEqualTo("10.0.0.5:2424");
        TransportMap.NextHopSpec.Lmtp dovecot = (TransportMap.NextHopSpec.Lmtp) m.lookup("dovecot.test").get().nextHop();
        assertThat(dovecot.destination().toString()).isEqualTo("imap.dovecot.test:24");
    }

    @Test
    void anLmtpNextHopCanBeALocalUnixSocketNamedByItsAbsolutePath() throws Exception {
        TransportMap m = map("local.test lmtp:unix:/run/dovecot/lmtp");

        Destination d = ((TransportMap.NextHopSpec.Lmtp) m.lookup("local.test").get().nextHop()).destination();
        assertThat(d.socket()).isEqualTo(java.nio.file.Path.of("/run/dovecot/lmtp"));
        assertThat(d.host()).isEqualTo("localhost");
        assertThat(d).hasToString("unix:/run/dovecot/lmtp");
        assertThatThrownBy(() -> map("local.test lmtp:unix:private/dovecot-lmtp")).isInstanceOf(SyntaxException.class)
                .hasMessageContaining("'unix:private/dovecot-lmtp' needs an absolute path to the socket");
    }

    @Test
    void tlsAndAuthOptionsAreReadAndTheAuthFileIsRelativeToTheMap() throws Exception {
        Files.writeString(dir.resolve("relay.secret"), "bob:pw\n");

        TransportMap m = map("a.test [relay.test]:587 tls=verify auth=relay.secret");

        TransportMap.Entry e = m.lookup("a.test").orElseThrow();
        assertThat(e.tls()).isEqualTo("verify");
        assertThat(e.auth()).isEqualTo(new Credentials("bob", "pw"));
    }

    @Test
    void everyMalformedLineIsReportedWithTheFileAndItsLineNumber() {
        assertThatThrownBy(() -> map("ok.test mx", "lonely.test", "bad_domain! mx", "c.test mx tls=sometimes",
                "d.test mx colour=blue", "ok.test mx", "e.test mx auth=missing.secret"))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("transport line 2: expected 'domain next-hop")
                .hasMessageContaining("line 3: 'bad_domain!' is not a domain")
                .hasMessageContaining("line 4: tls must be none, may, encrypt or verify, not 'sometimes'")
                .hasMessageContaining("line 5: unknown option 'colour=blue'")
                .hasMessageContaining("line 6: 'ok.test' is listed twice")
                .hasMessageContaining("line 7: cannot read auth file");
    }
}
