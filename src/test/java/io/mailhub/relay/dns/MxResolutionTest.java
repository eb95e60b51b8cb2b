package io.mailhub.relay.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class MxResolutionTest {

    @Test
    void failuresCarryTheEnhancedStatusCodesOfRfc7505AndRfc3463() {
        assertThat(new MxResolution.NullMx("null.test").status()).isEqualTo("5.1.10");
        assertThat(new MxResolution.NoSuchDomain("x").status()).isEqualTo("5.1.2");
        assertThat(new MxResolution.TemporaryFailure("x").status()).isEqualTo("4.4.3");
    }

    @Test
    void aNullMxReasonNamesTheDomain() {
        assertThat(new MxResolution.NullMx("null.test").reason()).isEqualTo("Domain null.test does not accept mail (null MX)");
    }

    @Test
    void hostsListTheExchangersWithAddressesAndPreferences() throws Exception {
        MxHost host = new MxHost("mx.d.test", 10,
                List.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::1")));

        assertThat(new MxResolution.Hosts(List.of(host)).reason())
                .isEqualTo("mail exchangers mx.d.test[192.0.2.1, 2001:db8:0:0:0:0:0:1] (10)");
    }

    @Test
    void hostsAreNeverEmptyAndNeitherAreTheirAddresses() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MxResolution.Hosts(List.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> new MxHost("mx.d.test", 10, List.of()));
    }

    @Test
    void hostNamesAreCanonical() throws Exception {
        List<InetAddress> address = List.of(InetAddress.getByName("192.0.2.1"));

        assertThatIllegalArgumentException().isThrownBy(() -> new MxHost("MX.d.test", 10, address));
        assertThatIllegalArgumentException().isThrownBy(() -> new MxHost("mx.d.test.", 10, address));
    }
}
