package io.mailhub.relay;

/** What happened to one recipient in one delivery attempt. */
public enum RecipientStatus {
    /** The next hop accepted responsibility (2xx after the data). */
    DELIVERED,
    /** A temporary failure: try again later. */
    DEFERRED,
    /** A permanent failure: tell the sender. */
    FAILED
}
