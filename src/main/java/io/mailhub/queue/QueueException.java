package io.mailhub.queue;

/** The queue could not store a message; nothing was stored, so the client may try again later. */
public class QueueException extends Exception {

    private static final long serialVersionUID = 1L;

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
