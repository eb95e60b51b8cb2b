package io.mailhub.app;

import io.mailhub.acceptance.AcceptanceSettings;
import io.mailhub.auth.AuthSettings;
import io.mailhub.authres.InboundSettings;
import io.mailhub.bounce.DsnTemplates;
import io.mailhub.config.SettingsReader;
import io.mailhub.delivery.DeliverySettings;
import io.mailhub.dkim.DkimSettings;
import io.mailhub.ingress.http.HttpSettings;
import io.mailhub.ingress.jms.JmsSettings;
import io.mailhub.ingress.pickup.PickupSettings;
import io.mailhub.ingress.smtp.ListenerSettings;
import io.mailhub.ingress.tls.TlsSettings;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import io.mailhub.policy.PolicySettings;
import io.mailhub.queue.QueueSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code mailhub.*} setting, read once at start-up and validated before anything starts. Each stage reads its own
 * keys into a settings record of its package (listeners, TLS, logins, DKIM, inbound checks, policy, HTTP, queue,
 * acceptance, delivery); this class puts them together with the few that belong to the hub as a whole (its name and
 * directories). A bad value, or a key we do not know (a typo would otherwise be silently ignored), is reported as one
 * line naming the property, where it came from and what is wrong; the hub then does not start. docs/configuration.md
 * documents each key in {@link #KEYS}.
 */
public final class MailhubSettings {

    private static final Map<String, String> HUB = SettingsReader.defaults(
            "mailhub.hostname", null,
            "mailhub.data.dir", "./data",
            "mailhub.config.dir", "./config",
            "mailhub.routes.dir", "");

    /** The documented keys and their defaults (a {@code null} default is computed, see the field). */
    public static final Map<String, String> KEYS = keys(HUB, ListenerSettings.KEYS, TlsSettings.KEYS, AuthSettings.KEYS,
            DkimSettings.KEYS, InboundSettings.KEYS, PolicySettings.KEYS, HttpSettings.KEYS, QueueSettings.KEYS,
            AcceptanceSettings.KEYS, DeliverySettings.KEYS, PickupSettings.KEYS, JmsSettings.KEYS,
            io.mailhub.ingress.http.AlertSettings.KEYS, io.mailhub.policy.DnsblSettings.KEYS,
            io.mailhub.policy.GreylistSettings.KEYS, io.mailhub.policy.RecipientTableSettings.KEYS,
            io.mailhub.delivery.SuppressionSettings.KEYS, io.mailhub.bounce.ReturnPathSettings.KEYS,
            io.mailhub.filter.SpamSettings.KEYS, io.mailhub.filter.VirusSettings.KEYS,
            io.mailhub.observe.MetricsSettings.KEYS, io.mailhub.admin.AdminSettings.KEYS,
            io.mailhub.routing.WebhookSettings.KEYS);

    @SafeVarargs
    private static Map<String, String> keys(Map<String, String>... groups) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Map<String, String> g : groups) {
            for (Map.Entry<String, String> e : g.entrySet()) {
                if (all.containsKey(e.getKey())) {
                    throw new IllegalStateException("setting " + e.getKey() + " is declared twice");
                }
                all.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(all);
    }

    public final String hostname;
    public final Path dataDir;
    public final Path configDir;
    /** The configuration file the values were read from, or {@code null} when there was none. */
    public final Path configFile;
    public final Path routesDir;
    public final ListenerSettings listeners;
    public final TlsSettings tls;
    public final AuthSettings auth;
    public final DkimSettings dkim;
    public final InboundSettings inbound;
    public final PolicySettings policy;
    public final HttpSettings http;
    public final QueueSettings queue;
    public final AcceptanceSettings acceptance;
    public final DeliverySettings delivery;
    public final PickupSettings pickup;
    public final JmsSettings jms;
    public final io.mailhub.policy.DnsblSettings dnsbl;
    public final io.mailhub.policy.GreylistSettings greylist;
    public final io.mailhub.policy.RecipientTableSettings recipients;
    public final io.mailhub.delivery.SuppressionSettings suppression;
    public final io.mailhub.bounce.ReturnPathSettings returnPath;
    public final io.mailhub.filter.SpamSettings spam;
    public final io.mailhub.filter.VirusSettings virus;
    public final io.mailhub.ingress.http.AlertSettings alerts;
    public final io.mailhub.observe.MetricsSettings metrics;
    public final io.mailhub.admin.AdminSettings admin;
    public final io.mailhub.routing.WebhookSettings webhook;
    /** The sender notice texts: {@code bounce-templates.txt} in the config dir over the packaged ones. */
    public final DsnTemplates bounceTemplates;

    private final ConfigSource source;
    private final SettingsReader reader;

    private MailhubSettings(ConfigSource source) {
        this.source = source;
        this.reader = new SettingsReader(source, KEYS);
        checkKnownKeys();
        hostname = hostname("mailhub.hostname");
        dataDir = Path.of(reader.value("mailhub.data.dir")).toAbsolutePath().normalize();
        configDir = Path.of(reader.value("mailhub.config.dir")).toAbsolutePath().normalize();
        configFile = source.filePath();
        String routes = reader.value("mailhub.routes.dir");
        routesDir = routes.isBlank() ? null : Path.of(routes).toAbsolutePath().normalize();
        listeners = ListenerSettings.read(reader);
        tls = TlsSettings.read(reader);
        auth = AuthSettings.read(reader);
        dkim = DkimSettings.read(reader);
        inbound = InboundSettings.read(reader);
        policy = PolicySettings.read(reader);
        http = HttpSettings.read(reader);
        queue = QueueSettings.read(reader);
        acceptance = AcceptanceSettings.read(reader, hostname);
        delivery = DeliverySettings.read(reader);
        pickup = PickupSettings.read(reader);
        jms = JmsSettings.read(reader);
        dnsbl = io.mailhub.policy.DnsblSettings.read(reader);
        greylist = io.mailhub.policy.GreylistSettings.read(reader);
        recipients = io.mailhub.policy.RecipientTableSettings.read(reader);
        suppression = io.mailhub.delivery.SuppressionSettings.read(reader);
        returnPath = io.mailhub.bounce.ReturnPathSettings.read(reader);
        spam = io.mailhub.filter.SpamSettings.read(reader);
        virus = io.mailhub.filter.VirusSettings.read(reader);
        alerts = io.mailhub.ingress.http.AlertSettings.read(reader);
        metrics = io.mailhub.observe.MetricsSettings.read(reader);
        admin = io.mailhub.admin.AdminSettings.read(reader);
        webhook = io.mailhub.routing.WebhookSettings.read(reader);
        bounceTemplates = bounceTemplates();
    }

    /**
     * Reads and validates every setting.
     *
     * @throws InvalidSettingsException listing one line per problem
     */
    public static MailhubSettings from(ConfigSource source) throws InvalidSettingsException {
        MailhubSettings s = new MailhubSettings(source);
        if (!s.reader.problems().isEmpty()) {
            throw new InvalidSettingsException(s.reader.problems());
        }
        return s;
    }

    /** The resolved values as Camel properties, so routes can use {@code {{mailhub.smtp.port}}} and the like. */
    public Map<String, String> asProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        for (String key : KEYS.keySet()) {
            p.put(key, reader.value(key));
        }
        p.put("mailhub.hostname", hostname);
        p.put("mailhub.data.dir", dataDir.toString());
        p.put("mailhub.config.dir", configDir.toString());
        p.put("mailhub.relay.smarthost", delivery.smarthost());
        p.put("mailhub.max-message-size", Long.toString(acceptance.maxMessageSize()));
        return p;
    }

    private String hostname(String key) {
        String v = source.get(key);
        if (v == null || v.isBlank()) {
            try {
                String name = InetAddress.getLocalHost().getCanonicalHostName();
                return SmtpPath.isDomain(name, false) ? name : "localhost";
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
        String name = v.trim().toLowerCase(Locale.ROOT);
        if (!SmtpPath.isDomain(name, false)) {
            reader.error(key, "must be a host name such as mail.example.com");
        }
        return name;
    }

    private DsnTemplates bounceTemplates() {
        try {
            return DsnTemplates.load(configDir);
        } catch (SyntaxException e) {
            reader.problem(e.getMessage()); // names the file and the line
            return DsnTemplates.defaults();
        } catch (IOException e) {
            reader.problem(configDir.resolve(DsnTemplates.FILE_NAME) + ": cannot be read: " + e);
            return DsnTemplates.defaults();
        }
    }

    private void checkKnownKeys() {
        Set<String> envNames = new HashSet<>();
        KEYS.keySet().forEach(k -> envNames.add(ConfigSource.environmentName(k)));
        envNames.add("MAILHUB_CONFIG_DIR");
        for (String key : source.givenKeys()) {
            if (isKubernetesServiceLink(key)) {
                continue;
            }
            boolean known = key.startsWith("MAILHUB_") ? envNames.contains(key) : KEYS.containsKey(key);
            if (!known) {
                reader.problem(key + ": unknown setting" + suggestion(key));
            }
        }
    }

    /**
     * Kubernetes injects {@code MAILHUB_SERVICE_HOST}, {@code MAILHUB_PORT_2525_TCP_ADDR} and the like for a Service
     * named "mailhub": those are not settings and must not stop the hub.
     */
    static boolean isKubernetesServiceLink(String key) {
        return key.matches("MAILHUB_(SERVICE_(HOST|PORT)(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_(ADDR|PORT|PROTO))?)?)");
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : KEYS.keySet()) {
            String candidate = key.startsWith("MAILHUB_") ? ConfigSource.environmentName(k) : k;
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

}
