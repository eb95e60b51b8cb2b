package io.mailhub.relay.dns;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of resolving a domain: the hosts to try, or a failure with the enhanced status code (RFC 3463) to report
 * for every recipient of the domain and a reason for logs and DSN diagnostic text.
 *
 * <table>
 *   <caption>Outcomes</caption>
 *   <tr><th>Type</th><th>When</th><th>Status</th></tr>
 *   <tr><td>{@link Hosts}</td><td>MX hosts with addresses, or an implicit MX</td><td>2.0.0</td></tr>
 *   <tr><td>{@link NullMx}</td><td>the only MX record is {@code MX 0 .} (RFC 7505)</td><td>5.1.10</td></tr>
 *   <tr><td>{@link NoSuchDomain}</td><td>NXDOMAIN, or neither MX nor A/AAAA records, or not a domain name</td>
 *       <td>5.1.2</td></tr>
 *   <tr><td>{@link TemporaryFailure}</td><td>SERVFAIL, REFUSED, timeout, network error, or no MX host has an
 *       address</td><td>4.4.3</td></tr>
 * </table>
 */
public sealed interface MxResolution
        permits MxResolution.Hosts, MxResolution.NullMx, MxResolution.NoSuchDomain, MxResolution.TemporaryFailure {

    /** The RFC 3463 enhanced status code, e.g. {@code 5.1.10}; the first digit says permanent (5) or temporary (4). */
    String status();

    /** One line of text for logs and the DSN's Diagnostic-Code. */
    String reason();

    /** Where to deliver: the hosts in the order to try them, never empty. */
    record Hosts(List<MxHost> hosts) implements MxResolution {

        public Hosts {
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("no hosts");
            }
        }

        @Override
        public String status() {
            return "2.0.0";
        }

        @Override
        public String reason() {
            return "mail exchangers " + hosts.stream().map(MxHost::toString).collect(Collectors.joining(", "));
        }
    }

    /** The domain publishes a null MX (RFC 7505): it accepts no mail; fail its recipients now. */
    record NullMx(String domain) implements MxResolution {

        @Override
        public String status() {
            return "5.1.10";
        }

        @Override
        public String reason() {
            return "Domain " + domain + " does not accept mail (null MX)";
        }
    }

    /** The domain does not exist or has nowhere to take mail; fail its recipients now. */
    record NoSuchDomain(String reason) implements MxResolution {

        @Override
        public String status() {
            return "5.1.2";
        }
    }

    /** DNS could not answer now; retry the recipients later. */
    record TemporaryFailure(String reason) implements MxResolution {

        @Override
        public String status() {
            return "4.4.3";
        }
    }
}
