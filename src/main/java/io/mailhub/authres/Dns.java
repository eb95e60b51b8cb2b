package io.mailhub.authres;

import java.net.InetAddress;
import java.util.List;

/** The DNS questions sender authentication asks. An empty list means the name or the type does not exist. */
public interface Dns {

    /** Each TXT record's strings joined (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2). */
    List<String> txt(String name) throws DnsFailure;

    /** A and AAAA records. */
    List<InetAddress> addresses(String name) throws DnsFailure;

    /** The exchanges of the MX records, lower case, without the trailing dot. */
    List<String> mx(String name) throws DnsFailure;

    /** No usable answer now (SERVFAIL, timeout): a temporary error, never a verdict. */
    final class DnsFailure extends Exception {
        public DnsFailure(String message) {
            super(message);
        }
    }
}
