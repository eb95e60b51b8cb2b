package io.mailhub.relay;

import java.io.IOException;

/**
 * A reused connection turned out to be dead before the server answered anything of this transaction, so nothing was
 * accepted and the transaction can be retried on a fresh connection.
 */
final class StaleConnectionException extends IOException {

    private static final long serialVersionUID = 1L;

    StaleConnectionException(IOException cause) {
        super("cached connection was closed by the server", cause);
    }
}
