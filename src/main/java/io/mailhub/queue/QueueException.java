package io.mailhub.queue;

/** The queue could not store a message; nothing was stored, so the client may try again later. */
public class QueueException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean noRoom;

    public QueueException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private QueueException(String message, Throwable cause, boolean noRoom) {
        super(message, cause);
        this.noRoom = noRoom;
    }

    /** Refused because the disk is (nearly) full: SMTP's 452 4.3.1, "insufficient system storage". */
    public static QueueException noRoom(String message) {
        return new QueueException(message, null, true);
    }

    /** Whether the store was full rather than unreachable or failing. */
    public boolean isNoRoom() {
        return noRoom;
    }
}
