package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DomainNameTest {

    @Test
    void asciiDomainsAreLeftAsTheyAreAndKeyedInLowerCase() throws SyntaxException {
        assertThat(DomainName.canonical("Example.COM")).isEqualTo("Example.COM");
        assertThat(DomainName.toAscii("Example.COM")).isEqualTo("example.com");
    }

    @Test
    void lookAlikesOfAsciiLettersBecomeTheAsciiName() throws SyntaxException {
        assertThat(DomainName.canonical("ban\u212A.test")).isEqualTo("bank.test"); // KELVIN SIGN
        assertThat(DomainName.canonical("hub.te\u017Ft")).isEqualTo("hub.test"); // LONG S
        assertThat(DomainName.canonical("\uFF45xample.com")).isEqualTo("example.com"); // FULLWIDTH e
    }

    @Test
    void internationalizedNamesKeepTheirMappedUnicodeFormAndAreKeyedAsALabels() throws SyntaxException {
        assertThat(DomainName.canonical("B\u00FCcher.Example")).isEqualTo("b\u00FCcher.example");
        assertThat(DomainName.toAscii("B\u00FCcher.Example")).isEqualTo("xn--bcher-kva.example");
        assertThat(DomainName.key("b\u00FCcher.example")).isEqualTo(DomainName.toAscii("xn--BCHER-kva.example"));
    }

    @Test
    void idna2008KeepsSharpSInsteadOfMappingItToSs() throws SyntaxException {
        // IDNA2003 (java.net.IDN) would make fass.de of this; IDNA2008 nontransitional keeps it distinct
        assertThat(DomainName.toAscii("fa\u00DF.de")).isEqualTo("xn--fa-hia.de");
    }

    @Test
    void namesIdna2008DoesNotAllowAreSyntaxErrors() {
        assertThatThrownBy(() -> DomainName.canonical("a\u2665b.example")).isInstanceOf(SyntaxException.class)
                .hasMessageContaining("internationalized"); // a symbol: disallowed in IDNA2008
        assertThatThrownBy(() -> DomainName.canonical("\u05D0a.example")).isInstanceOf(SyntaxException.class); // bidi
        assertThatThrownBy(() -> DomainName.canonical("a\u200Db.example")).isInstanceOf(SyntaxException.class); // ZWJ
    }

    @Test
    void aParsedAddressHasTheCanonicalDomainSoPolicyRoutingAndTheNextHopAgree() throws SyntaxException {
        MailAddress kelvin = SmtpPath.parse("<victim@ban\u212A.test>", true).address().orElseThrow();
        assertThat(kelvin.domain()).isEqualTo("bank.test");
        assertThat(kelvin.needsUtf8()).isFalse();

        MailAddress idn = SmtpPath.parse("<anna@B\u00FCcher.example>", true).address().orElseThrow();
        assertThat(idn.domain()).isEqualTo("b\u00FCcher.example");
        assertThat(idn.domainKey()).isEqualTo("xn--bcher-kva.example");
        assertThat(idn.asciiForm()).hasToString("anna@xn--bcher-kva.example");
        assertThat(idn.hasAsciiForm()).isTrue();
    }

    @Test
    void aNonAsciiLocalPartIsKeptButHasNoAsciiForm() throws SyntaxException {
        MailAddress a = SmtpPath.parse("<j\u00F6rg@example.com>", true).address().orElseThrow();
        assertThat(a.localPart()).isEqualTo("j\u00F6rg");
        assertThat(a.hasAsciiForm()).isFalse();
    }

    @Test
    void theAddressKeyFoldsOnlyAsciiLettersOfTheLocalPart() throws SyntaxException {
        assertThat(SmtpPath.mailbox("PostMaster@Hub.Test", false).key()).isEqualTo("postmaster@hub.test");
        assertThat(SmtpPath.mailbox("po\u017Ftmaster@hub.test", true).key()).isEqualTo("po\u017Ftmaster@hub.test");
    }

    @Test
    void anInvalidInternationalizedDomainMakesTheAddressASyntaxError() {
        assertThatThrownBy(() -> SmtpPath.parse("<a@x\u2665.example>", true)).isInstanceOf(SyntaxException.class);
    }
}
