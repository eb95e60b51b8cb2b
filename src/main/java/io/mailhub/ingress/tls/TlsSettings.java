package io.mailhub.ingress.tls;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.util.Map;

/**
 * The server certificate of every TLS listener ({@code mailhub.tls.cert}, {@code mailhub.tls.key}): both PEM files, or
 * neither (then a self-signed pair is made under the data dir).
 */
public record TlsSettings(Path cert, Path key) {

    public static final Map<String, String> KEYS = SettingsReader.defaults("mailhub.tls.cert", "", "mailhub.tls.key", "");

    public static TlsSettings read(SettingsReader r) {
        Path cert = r.readableFile("mailhub.tls.cert");
        Path key = r.readableFile("mailhub.tls.key");
        if ((cert == null) != (key == null)) {
            r.problem("mailhub.tls.cert and mailhub.tls.key: set both (certificate chain and private key, PEM) or"
                    + " neither (a self-signed certificate is made under the data dir)");
        } else if (SettingsReader.canRead(cert) && SettingsReader.canRead(key)) {
            try {
                ServerTls.fromPem(cert, key);
            } catch (TlsConfigException e) {
                r.problem("mailhub.tls.cert/mailhub.tls.key: " + e.getMessage());
            }
        }
        return new TlsSettings(cert, key);
    }

    /** Whether the operator gave a certificate (otherwise a self-signed one is used). */
    public boolean configured() {
        return cert != null && key != null;
    }
}
