package io.mailhub.authres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthservIdTest {

    @Test
    void aTokenEndsAtTheSemicolonOrWhiteSpace() {
        assertThat(AuthservId.read(" hub.test; spf=pass")).isEqualTo("hub.test");
        assertThat(AuthservId.read(" hub.test 1; none")).isEqualTo("hub.test");
    }

    @Test
    void aQuotedStringIsUnquotedWithItsQuotedPairsResolved() {
        assertThat(AuthservId.read(" \"hub.test\"; dkim=pass")).isEqualTo("hub.test");
        assertThat(AuthservId.read(" \"hub\\.test\"; dkim=pass")).isEqualTo("hub.test");
    }

    @Test
    void commentsAndFoldingBeforeTheIdAreSkippedEvenWhenNested() {
        assertThat(AuthservId.read(" (a (nested) comment)\r\n\t(another \\) one) hub.test; x=y")).isEqualTo("hub.test");
    }

    @Test
    void aValueWithoutAnIdHasNone() {
        assertThat(AuthservId.read("  ")).isNull();
        assertThat(AuthservId.read(" (never closed hub.test; spf=pass")).isNull();
        assertThat(AuthservId.read(" \"never closed")).isNull();
        assertThat(AuthservId.read(" ; spf=pass")).isNull();
    }

    @Test
    void everySpellingOfOurIdIsRecognisedAsAForgery() {
        for (String value : new String[] {" hub.test; dkim=pass", " HUB.Test; dkim=pass", " \"hub.test\"; dkim=pass",
                " \"HUB.TEST\" 1; dkim=pass", " (c) \"hub.test\"; dkim=pass", "\r\n \"hub.test\"\r\n ; dkim=pass"}) {
            assertThat(InboundAuthentication.claimsToBe("Authentication-Results:" + value + "\r\n", "hub.test"))
                    .as(value).isTrue();
        }
    }

    @Test
    void otherIdsAndLookAlikesAreNotOurs() {
        for (String value : new String[] {" hub.test.evil; dkim=pass", " \"hub.test \"; dkim=pass", " hub.tes; x=y",
                " hub.te\u017Ft; dkim=pass"}) {
            assertThat(InboundAuthentication.claimsToBe("Authentication-Results:" + value + "\r\n", "hub.test"))
                    .as(value).isFalse();
        }
    }
}
