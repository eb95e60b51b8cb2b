package io.mailhub.relay.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The other DNS questions delivery asks besides MX: TXT records and a host's addresses (MTA-STS, RFC 8461: the
 * {@code _mta-sts} record and the policy host). The seam between the relay and DNS for them; tests use a fake.
 */
public interface DnsLookups {

    /** What a TXT question found. */
    sealed interface Txt {
        /** The TXT records at the name, each record's strings joined, and the smallest TTL among them. */
        record Found(List<String> texts, long ttlSeconds) implements Txt {}

        /** The name does not exist or has no TXT record. */
        record None() implements Txt {}

        /** No usable answer now (SERVFAIL, timeout, ...). */
        record Failed(String reason) implements Txt {}
    }

    Txt txt(String name) throws InterruptedException;

    /**
     * The host's IPv4 then IPv6 addresses; empty when it has none.
     *
     * @throws java.io.IOException when DNS gives no usable answer now
     */
    List<InetAddress> addresses(String host) throws java.io.IOException, InterruptedException;
}
