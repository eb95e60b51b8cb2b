package io.mailhub.relay.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DnsServersTest {

    private static InetSocketAddress server(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    @Test
    void aBlankSettingMeansTheSystemServers() {
        assertThat(DnsServers.parse("")).isEmpty();
        assertThat(DnsServers.parse("  ")).isEmpty();
        assertThat(DnsServers.parse(null)).isEmpty();
    }

    @Test
    void entriesAreParsedInOrderWithPortsDefaultingTo53() throws Exception {
        assertThat(DnsServers.parse("127.0.0.1:5353, [::1]:53,192.0.2.53, [2001:db8::1], ::2"))
                .containsExactly(
                        server("127.0.0.1", 5353),
                        server("::1", 53),
                        server("192.0.2.53", 53),
                        server("2001:db8::1", 53),
                        server("::2", 53));
    }

    @Test
    void aHostNameIsRejectedBecauseFindingDnsMustNotNeedDns() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("127.0.0.1, ns.example:53"))
                .withMessage("bad DNS server 'ns.example:53': 'ns.example' is not an IP address "
                        + "(give DNS servers as addresses, not names)");
    }

    @Test
    void aPortOutsideTheRangeIsRejectedNamingTheEntry() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("127.0.0.1:70000"))
                .withMessage("bad DNS server '127.0.0.1:70000': port '70000' is not a number in 1..65535");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("[::1]:dns"))
                .withMessageStartingWith("bad DNS server '[::1]:dns': port 'dns'");
    }

    @Test
    void malformedAddressesAreRejectedNamingTheEntry() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("256.0.0.1"))
                .withMessageStartingWith("bad DNS server '256.0.0.1'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("[::1:53"))
                .withMessage("bad DNS server '[::1:53': lacks ']'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("[127.0.0.1]:53"))
                .withMessage("bad DNS server '[127.0.0.1]:53': only IPv6 addresses go in brackets");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("[1:2:3:4:5:6:7:8:9]"))
                .withMessageStartingWith("bad DNS server '[1:2:3:4:5:6:7:8:9]'");
    }

    @Test
    void anEmptyEntryIsRejectedSoATypoDoesNotGoUnnoticed() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsServers.parse("127.0.0.1,"))
                .withMessage("bad DNS server '': empty entry in '127.0.0.1,'");
    }

    @Test
    void fromSettingReportsTheBadEntry() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DnsjavaMxResolver.fromSetting("127.0.0.1:53, 10.0.0.1:0", Duration.ofSeconds(1)))
                .withMessageContaining("'10.0.0.1:0'");
    }
}
