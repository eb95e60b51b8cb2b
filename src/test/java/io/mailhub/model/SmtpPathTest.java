package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpPathTest {

    @Test
    void aLooseMailboxMayHaveAngleBracketsAndSpacesAroundIt() throws Exception {
        assertThat(SmtpPath.looseMailbox(" <ann@example.org> ")).hasToString("ann@example.org");
        assertThat(SmtpPath.looseMailbox("bob@x.test")).hasToString("bob@x.test");
        assertThatThrownBy(() -> SmtpPath.looseMailbox("<not an address>")).isInstanceOf(SyntaxException.class);
        assertThatThrownBy(() -> SmtpPath.looseMailbox("<>")).isInstanceOf(SyntaxException.class);
    }

    @Test
    void plainPathGivesTheMailboxAndWhereThePathEnds() throws SyntaxException {
        SmtpPath.Parsed parsed = SmtpPath.parse("<alice@example.com> SIZE=100", false);

        assertThat(parsed.address()).contains(new MailAddress("alice", "example.com"));
        assertThat(parsed.end()).isEqualTo("<alice@example.com>".length());
    }

    @Test
    void nullPathHasNoAddress() throws SyntaxException {
        SmtpPath.Parsed parsed = SmtpPath.parse("<>", false);

        assertThat(parsed.address()).isEmpty();
        assertThat(parsed.end()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice@example.com", "alice@example.com>", "", " <alice@example.com>"})
    void pathWithoutOpeningBracketIsRejected(String text) {
        assertThatThrownBy(() -> SmtpPath.parse(text, false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("enclosed in <>");
    }

    @Test
    void pathWithoutClosingBracketIsRejected() {
        assertThatThrownBy(() -> SmtpPath.parse("<alice@example.com", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("missing '>'");
    }

    @Test
    void sourceRouteIsIgnoredAndTheFinalMailboxKept() throws SyntaxException {
        SmtpPath.Parsed parsed = SmtpPath.parse("<@relay1.example,@relay2.example:bob@example.org>", false);

        assertThat(parsed.address()).contains(new MailAddress("bob", "example.org"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<@relay.example bob@example.org>", "<@:bob@example.org>", "<@relay..example:bob@example.org>",
        "<@relay.example,relay2.example:bob@example.org>"})
    void malformedSourceRouteIsRejected(String text) {
        assertThatThrownBy(() -> SmtpPath.parse(text, false)).isInstanceOf(SyntaxException.class);
    }

    @Test
    void quotedLocalPartKeepsItsQuotesAndMayHoldSpacesAndBrackets() throws SyntaxException {
        SmtpPath.Parsed parsed = SmtpPath.parse("<\"john doe>x\\\"y\"@example.com>", false);

        assertThat(parsed.address()).contains(new MailAddress("\"john doe>x\\\"y\"", "example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<\"unterminated@example.com>", "<\"tab\there\"@example.com>"})
    void badQuotedLocalPartIsRejected(String text) {
        assertThatThrownBy(() -> SmtpPath.parse(text, false)).isInstanceOf(SyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.1]", "[IPv6:2001:db8::1]", "[ipv6:::1]"})
    void addressLiteralIsAcceptedAsDomain(String literal) throws SyntaxException {
        MailAddress address = SmtpPath.parse("<user@" + literal + ">", false).address().orElseThrow();

        assertThat(address.domain()).isEqualTo(literal);
        assertThat(address.isAddressLiteral()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.256]", "[192.0.2]", "[IPv6:]", "[IPv6:zz::1]", "[]", "[example.com]"})
    void malformedAddressLiteralIsRejected(String literal) {
        assertThatThrownBy(() -> SmtpPath.parse("<user@" + literal + ">", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("bad domain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<user@example.com.>", "<user@example..com>", "<user@-example.com>", "<user@example-.com>",
        "<user name@example.com>", "<user@exa mple.com>", "<.user@example.com>", "<user.@example.com>",
        "<us..er@example.com>", "<user>", "<user@>", "<@example.com>", "<user(comment)@example.com>"})
    void malformedMailboxIsRejected(String text) {
        assertThatThrownBy(() -> SmtpPath.parse(text, false)).isInstanceOf(SyntaxException.class);
    }

    @Test
    void domainLabelLongerThan63OctetsIsTooLong() {
        String label = "a".repeat(64);

        assertThatThrownBy(() -> SmtpPath.parse("<user@" + label + ".example>", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("bad domain");
        assertThat(SmtpPath.isDomain("a".repeat(63) + ".example", false)).isTrue();
    }

    @Test
    void domainLongerThan255OctetsIsTooLong() {
        String label = "a".repeat(63);
        String domain255 = String.join(".", label, label, label, "a".repeat(61), "a");
        String domain256 = String.join(".", label, label, label, "a".repeat(61), "ab");

        assertThat(domain255).hasSize(255);
        assertThat(SmtpPath.isDomain(domain255, false)).isTrue();
        assertThat(SmtpPath.isDomain(domain256, false)).isFalse();
    }

    @Test
    void nonAsciiAddressNeedsUtf8() throws SyntaxException {
        assertThatThrownBy(() -> SmtpPath.parse("<jösé@example.com>", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("SMTPUTF8");
        assertThatThrownBy(() -> SmtpPath.parse("<jose@exämple.com>", false)).isInstanceOf(SyntaxException.class);

        MailAddress address = SmtpPath.parse("<jösé@exämple.com>", true).address().orElseThrow();
        assertThat(address.needsUtf8()).isTrue();
    }

    @Test
    void atextSpecialsAreAllowedInADotAtomLocalPart() throws SyntaxException {
        String local = "a!#$%&'*+-/=?^_`{|}~.b";

        assertThat(SmtpPath.mailbox(local + "@example.com", false).localPart()).isEqualTo(local);
    }

    @Test
    void bareMailboxNeedsAnAtSign() {
        assertThatThrownBy(() -> SmtpPath.mailbox("postmaster", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("missing '@domain'");
    }
}
