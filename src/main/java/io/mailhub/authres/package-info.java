/**
 * Inbound sender authentication on the port 25 role: SPF (RFC 7208), DKIM verification (RFC 6376, with
 * {@code io.mailhub.dkim}) and DMARC (RFC 7489), written into an Authentication-Results header (RFC 8601). DNS goes
 * through the small {@link io.mailhub.authres.Dns} interface; {@link io.mailhub.authres.DnsjavaDns} asks the servers of
 * {@code mailhub.dns.servers}.
 */
package io.mailhub.authres;
