/**
 * Where mail for a domain goes (RFC 5321 section 5.1): {@link io.mailhub.relay.dns.MxResolver} turns a recipient
 * domain into the mail exchangers to try, in order, with their IPv4 and IPv6 addresses, or into a failure that says
 * how to treat the recipients: null MX (RFC 7505, permanent 5.1.10), no such domain (permanent 5.1.2) or a temporary
 * DNS failure (4.4.3). {@link io.mailhub.relay.dns.DnsjavaMxResolver} asks DNS servers with dnsjava. Input: a domain
 * name; output: an {@link io.mailhub.relay.dns.MxResolution}. Used by the relay component when there is no smart
 * host; depends on dnsjava only.
 */
package io.mailhub.relay.dns;
