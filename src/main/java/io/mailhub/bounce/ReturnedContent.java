package io.mailhub.bounce;

/**
 * How much of the original a notice returns, and why. Each value has a note in the template file that
 * {@code ${returned}} inserts into the human-readable part, so the sender learns why the message is not attached.
 */
public enum ReturnedContent {
    /** The whole message ({@code message/rfc822}): a failure with RET=FULL or no RET, and it fits. */
    FULL("returned_full"),
    /**
     * The header section only ({@code text/rfc822-headers}): RET=HDRS, or a delay or success report (RFC 3461
     * section 4.3).
     */
    HEADERS("returned_headers"),
    /** The header section only, because the whole message would make the notice exceed the size limit. */
    HEADERS_TOO_BIG("returned_headers_too_big"),
    /** The header section only, because the body has lines over 998 octets that a notice must not carry. */
    HEADERS_LONG_LINES("returned_headers_long_lines"),
    /** Nothing: even the header section is too big or has lines over 998 octets; the notice has two parts. */
    NOTHING("returned_nothing");

    private final String noteName;

    ReturnedContent(String noteName) {
        this.noteName = noteName;
    }

    /** The note's entry in the template file. */
    public String noteName() {
        return noteName;
    }

    public boolean includesBody() {
        return this == FULL;
    }

    public boolean includesHeaders() {
        return this != NOTHING;
    }
}
