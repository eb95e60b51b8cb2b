package io.mailhub.authres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DmarcTest {

    private final FakeDns dns = new FakeDns()
            .txt("_dmarc.bank.test", "v=DMARC1; p=reject; adkim=s")
            .txt("_dmarc.shop.co.uk", "v=DMARC1; p=quarantine; sp=reject")
            .txt("_dmarc.news.test", "v=DMARC1; p=none");
    private final Dmarc dmarc = new Dmarc(dns, new Random(1));

    @Test
    void alignedDkimOrSpfPasses() {
        assertThat(dmarc.evaluate("bank.test", "other.test", false, List.of("bank.test")).result())
                .isEqualTo(Dmarc.Result.PASS);
        assertThat(dmarc.evaluate("bank.test", "bounces.bank.test", true, List.of()).result())
                .as("relaxed SPF alignment: same organizational domain").isEqualTo(Dmarc.Result.PASS);
    }

    @Test
    void strictDkimAlignmentNeedsTheExactDomain() {
        Dmarc.Verdict v = dmarc.evaluate("bank.test", "other.test", false, List.of("mail.bank.test"));
        assertThat(v.result()).isEqualTo(Dmarc.Result.FAIL);
        assertThat(v.disposition()).isEqualTo("reject");
    }

    @Test
    void aSubdomainWithoutItsOwnRecordGetsTheOrganizationsSubdomainPolicy() {
        Dmarc.Verdict v = dmarc.evaluate("mail.shop.co.uk", "x.test", true, List.of("x.test"));
        assertThat(v.result()).isEqualTo(Dmarc.Result.FAIL);
        assertThat(v.policy()).isEqualTo("reject");
        assertThat(dmarc.evaluate("shop.co.uk", "x.test", false, List.of()).disposition()).isEqualTo("quarantine");
    }

    @Test
    void noRecordIsNoneAndDnsTroubleIsTemperror() {
        assertThat(dmarc.evaluate("plain.test", "plain.test", false, List.of()).result()).isEqualTo(Dmarc.Result.NONE);
        assertThat(dmarc.evaluate("news.test", "x.test", false, List.of()).disposition()).isEqualTo("none");
        dns.failing("_dmarc.down.test");
        assertThat(dmarc.evaluate("down.test", "down.test", true, List.of()).result())
                .isEqualTo(Dmarc.Result.TEMPERROR);
    }
}
