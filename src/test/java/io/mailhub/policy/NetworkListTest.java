package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkListTest {

    /** Parses an address literal (never a DNS lookup: only digits, dots, colons and hex are passed). */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void ipv4CidrContainsExactlyItsRange() throws SyntaxException {
        NetworkList list = NetworkList.parse("10.1.0.0/16");

        assertThat(list.contains(ip("10.1.0.0"))).isTrue();
        assertThat(list.contains(ip("10.1.255.255"))).isTrue();
        assertThat(list.contains(ip("10.2.0.0"))).isFalse();
        assertThat(list.contains(ip("10.0.255.255"))).isFalse();
    }

    @Test
    void prefixNotOnAByteBoundaryIsMaskedBitwise() throws SyntaxException {
        NetworkList list = NetworkList.parse("192.0.2.64/26");

        assertThat(list.contains(ip("192.0.2.64"))).isTrue();
        assertThat(list.contains(ip("192.0.2.127"))).isTrue();
        assertThat(list.contains(ip("192.0.2.63"))).isFalse();
        assertThat(list.contains(ip("192.0.2.128"))).isFalse();
    }

    @Test
    void addressWithoutPrefixIsASingleHost() throws SyntaxException {
        NetworkList list = NetworkList.parse("192.0.2.7");

        assertThat(list.contains(ip("192.0.2.7"))).isTrue();
        assertThat(list.contains(ip("192.0.2.8"))).isFalse();
    }

    @Test
    void zeroPrefixMatchesEveryAddressOfItsFamily() throws SyntaxException {
        NetworkList list = NetworkList.parse("0.0.0.0/0");

        assertThat(list.contains(ip("203.0.113.9"))).isTrue();
        assertThat(list.contains(ip("2001:db8::1"))).isFalse();
    }

    @Test
    void ipv6CidrContainsExactlyItsRange() throws SyntaxException {
        NetworkList list = NetworkList.parse("2001:db8:abcd::/48, ::1/128");

        assertThat(list.contains(ip("2001:db8:abcd:12::1"))).isTrue();
        assertThat(list.contains(ip("2001:db8:abce::1"))).isFalse();
        assertThat(list.contains(ip("::1"))).isTrue();
        assertThat(list.contains(ip("::2"))).isFalse();
    }

    @Test
    void ipv6NetworkDoesNotMatchIpv4Addresses() throws SyntaxException {
        assertThat(NetworkList.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void ipv4MappedIpv6ClientMatchesTheIpv4Networks() throws SyntaxException, UnknownHostException {
        NetworkList list = NetworkList.parse("127.0.0.0/8");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        byte[] mappedOutside = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        byte[] compatible = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1};

        assertThat(list.contains(Inet6Address.getByAddress(null, mapped, -1))).isTrue();
        assertThat(list.contains(ip("::ffff:127.0.0.1"))).isTrue();
        assertThat(list.contains(Inet6Address.getByAddress(null, mappedOutside, -1))).isFalse();
        assertThat(list.contains(Inet6Address.getByAddress(null, compatible, -1))).isFalse();
    }

    @Test
    void listItemsAreSeparatedByCommasOrSpaces() throws SyntaxException {
        NetworkList list = NetworkList.parse(" 10.0.0.0/8,192.168.0.0/16   172.16.0.0/12 ,\n::1 ");

        assertThat(list.contains(ip("10.9.9.9"))).isTrue();
        assertThat(list.contains(ip("192.168.1.1"))).isTrue();
        assertThat(list.contains(ip("172.31.0.1"))).isTrue();
        assertThat(list.contains(ip("::1"))).isTrue();
        assertThat(list.contains(ip("172.32.0.1"))).isFalse();
    }

    @Test
    void emptyTextIsAnEmptyList() throws SyntaxException {
        assertThat(NetworkList.parse("  ").contains(ip("127.0.0.1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/-1"})
    void prefixLongerThanTheAddressIsRejected(String item) {
        assertThatThrownBy(() -> NetworkList.parse(item))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("'" + item + "'")
                .hasMessageContaining("prefix length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/", "10.0.0.0/eight", "10.0.0.0/8/8"})
    void prefixThatIsNotANumberIsRejected(String item) {
        assertThatThrownBy(() -> NetworkList.parse(item))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("'" + item + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "mail.example.com/24", "1::2::3/64", "fe80::1%eth0", "::ffff:300.0.0.1"})
    void itemThatIsNotANetworkIsRejectedNamingIt(String item) {
        assertThatThrownBy(() -> NetworkList.parse("127.0.0.0/8, " + item))
                .isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith("'" + item + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0/8", "10.0.0.0.0/8", "300.0.0.0/8", "10.0.0.256", "10.0.0.", "10..0.1/32"})
    void malformedIpv4AddressIsRejectedAsSuch(String item) {
        assertThatThrownBy(() -> NetworkList.parse(item))
                .isInstanceOf(SyntaxException.class)
                .hasMessage("'" + item + "' is not a full IPv4 address");
    }

    @Test
    void listIsWrittenAsConfigured() throws SyntaxException {
        assertThat(NetworkList.parse(" 127.0.0.0/8, ::1/128 ")).hasToString("127.0.0.0/8, ::1/128");
    }
}
