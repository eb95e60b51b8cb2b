package io.mailhub.relay;

/**
 * Who a failure is attributed to, as Postfix classifies it. It decides what the queue stages do next: a site failure
 * suggests backing off the whole destination; a recipient failure concerns that recipient only.
 */
public enum Blame {
    /** Nothing failed. */
    NONE,
    /** The connection or session broke (timeout, reset, protocol error). */
    SESSION,
    /** The destination could not be reached or refused to talk (connect, greeting, EHLO). */
    SITE,
    /**
     * The host could not meet this delivery's TLS policy ({@code encrypt}, {@code verify}): another host may, and the
     * host is still fine for deliveries under other policies.
     */
    POLICY,
    /** The message was refused as a whole (MAIL FROM, DATA, the final reply, size or capability). */
    MESSAGE,
    /** Only this recipient was refused (RCPT). */
    RECIPIENT
}
