package io.mailhub.queue;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * The broker and the disk guard ({@code mailhub.broker.*}, {@code mailhub.queue.min-free-space}).
 *
 * @param brokerUrl an external broker's URL, or "" for the embedded broker
 * @param brokerConfig the embedded broker's broker.xml (class-path resource, absolute path or URL)
 * @param minFreeSpace octets to keep free on the data disk (see {@link StorageGuard})
 */
public record QueueSettings(String brokerUrl, String brokerConfig, long minFreeSpace) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.broker.url", "",
            "mailhub.broker.config", "artemis/broker.xml",
            "mailhub.queue.min-free-space", "100MB");

    private static final java.util.regex.Pattern BROKER_URL = java.util.regex.Pattern
            .compile("\\(?\\s*(tcp|ssl|vm)://[^\\s,()]+(\\s*,\\s*(tcp|ssl|vm)://[^\\s,()]+)*\\s*\\)?(\\?\\S*)?");

    public static QueueSettings read(SettingsReader r) {
        String url = r.value("mailhub.broker.url").trim();
        if (!url.isEmpty() && !BROKER_URL.matcher(url).matches()) {
            r.error("mailhub.broker.url", "must be empty (embedded broker) or an Artemis URL such as"
                    + " tcp://broker:61616 or (tcp://a:61616,tcp://b:61616)");
        }
        return new QueueSettings(url, r.value("mailhub.broker.config").trim(),
                r.size("mailhub.queue.min-free-space", 0, Long.MAX_VALUE));
    }

    public boolean embedded() {
        return brokerUrl.isEmpty();
    }
}
