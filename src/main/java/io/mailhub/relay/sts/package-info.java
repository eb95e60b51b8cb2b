/**
 * MTA-STS (RFC 8461) for MX delivery: the {@code _mta-sts} TXT record, the policy fetched over HTTPS from
 * {@code mta-sts.DOMAIN}, its cache, and what a policy in {@code enforce} mode demands of the MX hosts tried
 * (named by the policy, and a verified TLS certificate for their name).
 */
package io.mailhub.relay.sts;
