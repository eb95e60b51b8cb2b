package io.mailhub.relay.sts;

import java.io.IOException;

/** Fetches a domain's MTA-STS policy text. The seam between the policy cache and HTTPS; tests use a fake. */
public interface PolicyFetcher {

    /**
     * @return the body of {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}
     * @throws IOException why there is no policy text now (no address, TLS, HTTP status, media type, size, timeout)
     */
    String fetch(String domain) throws IOException, InterruptedException;
}
