package io.mailhub.ingress.tls;

/** The certificate or key cannot be used; the message names the file and what is wrong with it. */
public final class TlsConfigException extends Exception {

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
