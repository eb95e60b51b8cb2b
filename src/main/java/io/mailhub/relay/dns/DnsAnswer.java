package io.mailhub.relay.dns;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Record;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * The answer to one DNS question, classified the way mail routing needs it. dnsjava reports "no records of this type"
 * both as an empty result (fresh answer) and as {@link NoSuchRRSetException} (cached answer); both become
 * {@link NoRecords}.
 */
sealed interface DnsAnswer {

    /** At least one record of the asked type (after following CNAMEs). */
    record Records(List<Record> records) implements DnsAnswer {}

    /** The name exists but has no records of the asked type (NODATA). */
    record NoRecords() implements DnsAnswer {}

    /** The name does not exist (NXDOMAIN). */
    record NoDomain() implements DnsAnswer {}

    /** No usable answer now: SERVFAIL, REFUSED, timeout, network error, malformed data. */
    record Failed(String reason) implements DnsAnswer {}

    static DnsAnswer of(LookupResult result) {
        return result.getRecords().isEmpty() ? new NoRecords() : new Records(List.copyOf(result.getRecords()));
    }

    /** Classifies a failed lookup; {@code question} (e.g. {@code "MX example.com"}) goes into the reason. */
    static DnsAnswer of(Throwable failure, String question) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof NoSuchDomainException) {
            return new NoDomain();
        }
        if (e instanceof NoSuchRRSetException) {
            return new NoRecords();
        }
        if (e instanceof ServerFailedException) {
            return new Failed("DNS server failure (SERVFAIL) for " + question);
        }
        if (e instanceof SocketTimeoutException
                || e instanceof TimeoutException
                || e instanceof IOException && String.valueOf(e.getMessage()).contains("Timed out")) {
            return new Failed("DNS query for " + question + " timed out");
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new Failed("DNS lookup of " + question + " failed: " + detail);
    }
}
