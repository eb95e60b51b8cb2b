package io.mailhub.model;

/** A protocol or configuration text that does not follow its grammar; the message says what is wrong. */
public class SyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    public SyntaxException(String message) {
        super(message);
    }
}
