package io.mailhub.relay.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

class DnsAnswerTest {

    private static final Name NAME = Name.fromConstantString("d.test.");

    @Test
    void recordsAreKept() throws Exception {
        ARecord a = new ARecord(NAME, DClass.IN, 60, InetAddress.getByName("192.0.2.1"));

        assertThat(DnsAnswer.of(new LookupResult(List.of(a), List.of()))).isEqualTo(new DnsAnswer.Records(List.of(a)));
    }

    @Test
    void anEmptyResultAndACachedNoDataAreBothNoRecords() {
        assertThat(DnsAnswer.of(new LookupResult(List.of(), List.of()))).isInstanceOf(DnsAnswer.NoRecords.class);
        assertThat(DnsAnswer.of(new NoSuchRRSetException(NAME, Type.MX), "MX d.test"))
                .isInstanceOf(DnsAnswer.NoRecords.class);
    }

    @Test
    void nxdomainIsNoDomainEvenWhenWrappedByTheFuture() {
        assertThat(DnsAnswer.of(new CompletionException(new NoSuchDomainException(NAME, Type.MX)), "MX d.test"))
                .isInstanceOf(DnsAnswer.NoDomain.class);
    }

    @Test
    void servfailIsAFailureThatSaysSo() {
        assertThat(DnsAnswer.of(new ServerFailedException(NAME, Type.MX), "MX d.test"))
                .isEqualTo(new DnsAnswer.Failed("DNS server failure (SERVFAIL) for MX d.test"));
    }

    @Test
    void otherResponseCodesAreFailuresNamingTheCode() {
        DnsAnswer answer = DnsAnswer.of(new LookupFailedException("Unknown non-success error code REFUSED"), "MX d.test");

        assertThat(answer).isInstanceOf(DnsAnswer.Failed.class);
        assertThat(((DnsAnswer.Failed) answer).reason()).contains("MX d.test").contains("REFUSED");
    }

    @Test
    void timeoutsOfOneServerOrOfAllServersAreReportedAsTimeouts() {
        assertThat(DnsAnswer.of(new SocketTimeoutException("Query timed out"), "A mx.test"))
                .isEqualTo(new DnsAnswer.Failed("DNS query for A mx.test timed out"));
        assertThat(DnsAnswer.of(new IOException("Timed out while trying to resolve mx.test./A, id=1"), "A mx.test"))
                .isEqualTo(new DnsAnswer.Failed("DNS query for A mx.test timed out"));
    }

    @Test
    void networkErrorsAreFailures() {
        DnsAnswer answer = DnsAnswer.of(new CompletionException(new PortUnreachableException()), "MX d.test");

        assertThat(answer).isEqualTo(new DnsAnswer.Failed("DNS lookup of MX d.test failed: PortUnreachableException"));
    }
}
