package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailAddressTest {

    @Test
    void addressIsWrittenAsLocalPartAtDomain() {
        assertThat(new MailAddress("Alice", "Example.COM")).hasToString("Alice@Example.COM");
    }

    @Test
    void domainKeyIsLowerCaseButLocalPartKeepsItsSpelling() {
        MailAddress address = new MailAddress("Alice", "Example.COM");

        assertThat(address.domainKey()).isEqualTo("example.com");
        assertThat(address.localPart()).isEqualTo("Alice");
    }

    @Test
    void emptyLocalPartOrDomainIsRefused() {
        assertThatThrownBy(() -> new MailAddress("", "example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailAddress("alice", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyNonAsciiAddressesNeedUtf8() {
        assertThat(new MailAddress("alice", "example.com").needsUtf8()).isFalse();
        assertThat(new MailAddress("älice", "example.com").needsUtf8()).isTrue();
        assertThat(new MailAddress("alice", "exämple.com").needsUtf8()).isTrue();
    }

    @Test
    void bracketedDomainIsAnAddressLiteral() {
        assertThat(new MailAddress("a", "[192.0.2.1]").isAddressLiteral()).isTrue();
        assertThat(new MailAddress("a", "example.com").isAddressLiteral()).isFalse();
    }
}
