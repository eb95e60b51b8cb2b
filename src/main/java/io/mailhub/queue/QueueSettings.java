package io.mailhub.queue;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The broker and the disk guard ({@code mailhub.broker.*}, {@code mailhub.queue.min-free-space}).
 *
 * @param brokerUrl an external broker's URL, or "" for the embedded broker
 * @param brokerConfig the embedded broker's broker.xml (class-path resource, absolute path or URL)
 * @param minFreeSpace octets to keep free on the data disk (see {@link StorageGuard})
 * @param brokerUser the user the hub logs in to an external broker as, or "" for no login
 * @param brokerPasswordFile the file holding that user's password, or {@code null}
 * @param brokerCaFile the CA certificates (PEM) an external broker's TLS certificate must lead to, or {@code null}
 *     for the JDK's
 */
public record QueueSettings(String brokerUrl, String brokerConfig, long minFreeSpace, String brokerUser,
        Path brokerPasswordFile, Path brokerCaFile) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.broker.url", "",
            "mailhub.broker.config", "artemis/broker.xml",
            "mailhub.queue.min-free-space", "100MB",
            "mailhub.broker.user", "",
            "mailhub.broker.password-file", "",
            "mailhub.broker.ca-file", "");

    private static final java.util.regex.Pattern BROKER_URL = java.util.regex.Pattern
            .compile("\\(?\\s*(tcp|ssl|vm)://[^\\s,()]+(\\s*,\\s*(tcp|ssl|vm)://[^\\s,()]+)*\\s*\\)?(\\?\\S*)?");

    /** Settings with the embedded broker or an external one without login or TLS settings (tests). */
    public QueueSettings(String brokerUrl, String brokerConfig, long minFreeSpace) {
        this(brokerUrl, brokerConfig, minFreeSpace, "", null, null);
    }

    public static QueueSettings read(SettingsReader r) {
        String url = r.value("mailhub.broker.url").trim();
        if (!url.isEmpty() && !BROKER_URL.matcher(url).matches()) {
            r.error("mailhub.broker.url", "must be empty (embedded broker) or an Artemis URL such as"
                    + " tcp://broker:61616 or (tcp://a:61616,tcp://b:61616)");
        }
        String user = r.value("mailhub.broker.user").trim();
        Path passwordFile = r.readableFile("mailhub.broker.password-file");
        Path caFile = r.readableFile("mailhub.broker.ca-file");
        if (url.isEmpty()) {
            for (String key : new String[] {"mailhub.broker.user", "mailhub.broker.password-file",
                    "mailhub.broker.ca-file"}) {
                if (!r.value(key).trim().isEmpty()) {
                    r.error(key, "is for an external broker: set mailhub.broker.url too, or leave it empty (the"
                            + " embedded broker needs no login)");
                }
            }
        } else {
            checkLogin(r, user, passwordFile);
            checkTls(r, url, caFile);
        }
        return new QueueSettings(url, r.value("mailhub.broker.config").trim(),
                r.size("mailhub.queue.min-free-space", 0, Long.MAX_VALUE), user, passwordFile, caFile);
    }

    private static void checkLogin(SettingsReader r, String user, Path passwordFile) {
        if (!user.isEmpty() && passwordFile == null) {
            r.error("mailhub.broker.password-file", "must name the file with the password of mailhub.broker.user "
                    + user);
        } else if (user.isEmpty() && passwordFile != null) {
            r.error("mailhub.broker.user", "must be set: mailhub.broker.password-file is the password of this user");
        } else if (passwordFile != null && SettingsReader.canRead(passwordFile)) {
            try {
                BrokerClient.password(passwordFile);
            } catch (java.io.IOException e) {
                r.error("mailhub.broker.password-file", e.getMessage());
            }
        }
    }

    private static void checkTls(SettingsReader r, String url, Path caFile) {
        boolean tls = tls(url);
        if (caFile != null && !tls) {
            r.error("mailhub.broker.ca-file", "is for TLS: add ?sslEnabled=true to mailhub.broker.url");
        } else if (caFile != null && BrokerClient.names(url, "trustStorePath")) {
            r.error("mailhub.broker.ca-file", "and trustStorePath in mailhub.broker.url both name what to trust:"
                    + " keep one");
        } else if (caFile != null && SettingsReader.canRead(caFile)) {
            try {
                io.mailhub.crypto.PemFiles.certificates(caFile);
            } catch (java.io.IOException e) {
                r.error("mailhub.broker.ca-file", e.getMessage());
            }
        }
    }

    /** Whether an Artemis client URL asks for TLS ({@code sslEnabled=true}). */
    static boolean tls(String url) {
        int q = url.indexOf('?');
        return q >= 0 && ("&" + url.substring(q + 1).toLowerCase(Locale.ROOT) + "&").contains("&sslenabled=true&");
    }

    public boolean embedded() {
        return brokerUrl.isEmpty();
    }
}
