package io.mailhub.bounce;

import java.io.IOException;

/**
 * Even without any of the original, the notice would exceed the size limit (thousands of recipients with long
 * diagnostics under a tiny {@code mailhub.max-message-size}). Nothing was written. The caller treats the message like
 * one that cannot be processed: it ends in {@code mail.dead}.
 */
public final class DsnTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    DsnTooLargeException(String message) {
        super(message);
    }
}
