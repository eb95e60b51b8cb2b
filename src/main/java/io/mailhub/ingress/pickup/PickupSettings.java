package io.mailhub.ingress.pickup;

import io.mailhub.auth.SendAs;
import io.mailhub.config.SettingsReader;
import io.mailhub.model.SyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The pickup directory and {@code sendmail} ({@code mailhub.pickup.*}).
 *
 * @param dir the directory, or {@code null}: off
 * @param senders the addresses and {@code @domains} pickup files and {@code sendmail} may send as (empty: none)
 * @param stableTime how long a file must stay unchanged before it is read
 * @param pollInterval how often the directory is scanned
 * @param sendmailWait how long {@code sendmail} waits for the hub to take its message before it takes it back (75)
 * @param workers how many files are read at once (each waits for its durable enqueue)
 */
public record PickupSettings(Path dir, SendAs senders, Duration stableTime, Duration pollInterval,
        Duration sendmailWait, int workers) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.pickup.dir", "",
            "mailhub.pickup.senders", "",
            "mailhub.pickup.stable-time", "1s",
            "mailhub.pickup.poll-interval", "1s",
            "mailhub.pickup.sendmail-wait", "30s",
            "mailhub.pickup.workers", "4");

    public static PickupSettings read(SettingsReader r) {
        String dir = r.value("mailhub.pickup.dir");
        SendAs senders = new SendAs(List.of(), List.of());
        String list = r.value("mailhub.pickup.senders");
        if (!list.isBlank()) {
            try {
                senders = SendAs.parse(list);
            } catch (SyntaxException e) {
                r.error("mailhub.pickup.senders", "must be addresses and @domains separated by commas: "
                        + e.getMessage());
            }
        }
        return new PickupSettings(dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize(), senders,
                r.duration("mailhub.pickup.stable-time", Duration.ZERO),
                r.duration("mailhub.pickup.poll-interval", Duration.ofMillis(100)),
                r.duration("mailhub.pickup.sendmail-wait", Duration.ofSeconds(1)),
                r.intIn("mailhub.pickup.workers", 1, 64));
    }
}
