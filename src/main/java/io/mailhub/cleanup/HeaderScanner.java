package io.mailhub.cleanup;

/**
 * Looks at the header section of a message while it streams past (RFC 5322 section 2.2), noting what cleanup needs to
 * know: whether Message-ID and Date are present, whether the content starts with a header field at all, and how many
 * Received fields it has (the hop count for loop detection). It stops
 * looking at the first empty line, at the first line that is not a header field, or after {@code limit} octets.
 */
public final class HeaderScanner {

    private static final int START = 0;
    private static final int NAME = 1;
    private static final int SKIP = 2;
    private static final int DONE = 3;

    private final long limit;
    private final StringBuilder name = new StringBuilder(32);
    private int state = START;
    private long seen;
    private int lines;
    private boolean firstLineIsHeader;
    private boolean hasMessageId;
    private boolean hasDate;
    private int received;

    public HeaderScanner(long limit) {
        this.limit = limit;
    }

    public void update(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end && state != DONE; i++) {
            step(b[i] & 0xff);
            if (++seen > limit) {
                state = DONE;
            }
        }
    }

    private void step(int c) {
        switch (state) {
            case START -> {
                if (c == ' ' || c == '\t') {
                    state = lines == 0 ? DONE : SKIP; // continuation of the previous field
                } else if (isFieldNameChar(c)) {
                    name.setLength(0);
                    name.append((char) c);
                    state = NAME;
                } else {
                    state = DONE; // empty line or not a header field: the body starts here
                }
            }
            case NAME -> {
                if (c == ':') {
                    noteField(name.toString());
                    state = SKIP;
                } else if (isFieldNameChar(c) && name.length() < 64) {
                    name.append((char) c);
                } else if (!isFieldNameChar(c)) {
                    state = DONE;
                }
            }
            case SKIP -> {
                if (c == '\n') {
                    state = START;
                }
            }
            default -> {}
        }
    }

    private void noteField(String field) {
        if (lines++ == 0) {
            firstLineIsHeader = true;
        }
        if (field.equalsIgnoreCase("Message-ID")) {
            hasMessageId = true;
        } else if (field.equalsIgnoreCase("Date")) {
            hasDate = true;
        } else if (field.equalsIgnoreCase("Received")) {
            received++;
        }
    }

    private static boolean isFieldNameChar(int c) {
        return c >= 33 && c <= 126 && c != ':';
    }

    /** Whether the content begins with a header field (otherwise it is all body, or starts with an empty line). */
    public boolean firstLineIsHeader() {
        return firstLineIsHeader;
    }

    public boolean hasMessageId() {
        return hasMessageId;
    }

    public boolean hasDate() {
        return hasDate;
    }

    /**
     * The Received fields of the header section: the hops the message has made (RFC 5321 section 6.3, where a count
     * of more than about 100 is taken as a loop; Postfix's hopcount_limit is 50).
     */
    public int receivedCount() {
        return received;
    }
}
