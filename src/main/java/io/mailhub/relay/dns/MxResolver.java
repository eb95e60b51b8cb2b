package io.mailhub.relay.dns;

/**
 * Finds the mail exchangers of a domain. The seam between the relay component and DNS: tests use a fake.
 *
 * <p>Implementations are safe for concurrent use and never throw for a DNS problem: every outcome, including
 * timeouts and unreachable servers, is an {@link MxResolution}.
 */
public interface MxResolver {

    /**
     * Resolves one domain.
     *
     * @param domain an ASCII domain name, any case, with or without a trailing dot; internationalised names must be
     *     converted to A-labels by the caller (IDN is not handled here)
     * @return where the domain's mail goes, or why it cannot go anywhere
     * @throws InterruptedException when the calling thread is interrupted while waiting for DNS
     */
    MxResolution resolve(String domain) throws InterruptedException;
}
