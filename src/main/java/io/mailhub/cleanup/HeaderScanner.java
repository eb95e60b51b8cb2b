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
    private boolean internalFields;
    private boolean inMessageId;
    private final StringBuilder messageId = new StringBuilder();

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
                    valueChar(c);
                } else if (isFieldNameChar(c)) {
                    inMessageId = false;
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
                } else if (c != '\r') {
                    valueChar(c);
                }
            }
            default -> {}
        }
    }

    private void noteField(String field) {
        if (lines++ == 0) {
            firstLineIsHeader = true;
        }
        if (field.regionMatches(true, 0, "Mailhub", 0, 7)) {
            internalFields = true;
        }
        if (field.equalsIgnoreCase("Message-ID")) {
            inMessageId = !hasMessageId; // the first one counts
            hasMessageId = true;
        } else if (field.equalsIgnoreCase("Date")) {
            hasDate = true;
        } else if (field.equalsIgnoreCase("Received")) {
            received++;
        }
    }

    private void valueChar(int c) {
        if (inMessageId && messageId.length() < 998) {
            messageId.append((char) c);
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

    /** The id of the first Message-ID field without its angle brackets, or {@code null} when there is none. */
    public String messageId() {
        if (!hasMessageId) {
            return null;
        }
        String v = messageId.toString().strip();
        int open = v.indexOf('<');
        int close = v.indexOf('>', open + 1);
        return open >= 0 && close > open ? v.substring(open + 1, close) : v.isEmpty() ? null : v;
    }

    /**
     * Whether the header section has fields named {@code Mailhub*}: internal names that no client may set (routes and
     * queues use them), removed by the acceptance stage.
     */
    public boolean hasInternalFields() {
        return internalFields;
    }

    /**
     * The Received fields of the header section: the hops the message has made (RFC 5321 section 6.3, where a count
     * of more than about 100 is taken as a loop; Postfix's hopcount_limit is 50).
     */
    public int receivedCount() {
        return received;
    }
}
