package io.mailhub.app;

import io.mailhub.admin.AdminApiServlet;
import io.mailhub.admin.AdminUsers;
import io.mailhub.admin.AuditLog;
import io.mailhub.admin.HawtioConsole;
import io.mailhub.admin.QueueActions;
import io.mailhub.admin.QueueView;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suspensions;
import io.mailhub.ingress.http.HttpListener;
import io.mailhub.queue.MailQueueAdmin;
import io.mailhub.queue.MessageRework;
import io.mailhub.routing.RouteReloader;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hub offers operators beside the doors: the admin API and its users, the audit log (admin actions and
 * route reloads) and the Hawtio console, put together from the settings of {@code mailhub.admin.*} and
 * {@code mailhub.hawtio.*}.
 */
final class OperatorWiring {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorWiring.class);

    private final MailhubSettings settings;
    private AdminUsers users;
    private AuditLog audit;

    OperatorWiring(MailhubSettings settings) {
        this.settings = settings;
    }

    /** The admin users file, read once and shared by the admin API and the console's login; {@code null}: none. */
    synchronized AdminUsers users() throws IOException {
        if (users == null && settings.admin.usersFile() != null) {
            users = AdminUsers.load(settings.admin.usersFile());
            users.onReload(this::auditFileReload);
        }
        return users;
    }

    synchronized AuditLog audit() throws IOException {
        if (audit == null) {
            audit = new AuditLog(settings.admin.auditFile() != null ? settings.admin.auditFile()
                    : settings.dataDir.resolve("audit.jsonl"), Clock.systemUTC());
        }
        return audit;
    }

    /** A users, admin users or API keys file the hub reread after it changed, as a {@code config_reload} record. */
    void auditFileReload(io.mailhub.auth.WatchedFile.Reload reload) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("action", "config_reload");
        a.put("user", "(file change)");
        a.put("what", reload.what());
        a.put("changed", List.of(reload.file().toString()));
        a.put("result", reload.error() != null ? "kept the previous contents: " + reload.error()
                : reload.problems().isEmpty() ? "loaded"
                : "loaded, " + reload.problems().size() + " line(s) skipped: " + reload.problems().get(0));
        a.put("count", 1);
        try {
            audit().record(a);
        } catch (IOException e) {
            LOG.error("cannot write the audit log: {}", e.toString());
        }
    }

    /** A route change the reloader loaded or refused, as a {@code config_reload} record (who: the file system). */
    void auditReload(RouteReloader.Change change) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("action", "config_reload");
        a.put("user", "(file change)");
        a.put("what", "routes");
        a.put("changed", change.changed().stream().map(Path::toString).toList());
        a.put("removed", change.removed().stream().map(Path::toString).toList());
        a.put("result", change.problems().isEmpty() ? "loaded" : "refused: " + change.problems().get(0));
        a.put("count", change.changed().size() + change.removed().size());
        try {
            audit().record(a);
        } catch (IOException e) {
            LOG.error("cannot write the audit log: {}", e.toString());
        }
    }

    /**
     * The admin API over the broker's queues (embedded or external); {@code rework} edits messages (bounce, reroute,
     * raw); {@code suspensions} are the suspended destinations the delivery stage honours.
     */
    HttpServlet adminApi(MailQueueAdmin queues, MessageRework rework, Suspensions suspensions,
            io.mailhub.delivery.Suppressions suppressions, DeliveryEvents events)
            throws IOException {
        if (users() == null) {
            LOG.info("no admin users file (mailhub.admin.users-file): the admin API refuses every call");
        }
        QueueView view = new QueueView(queues, Clock.systemUTC());
        return new AdminApiServlet(users(), view, new QueueActions(queues, view, rework), audit(), events,
                suspensions, suppressions);
    }

    /** Serves the Hawtio console at /hawtio on {@code http}, when on and packed into this jar. */
    void serveConsole(HttpListener http) throws IOException {
        if (!settings.admin.hawtio()) {
            return;
        }
        List<String> origins = new ArrayList<>(settings.admin.hawtioOrigins());
        for (String host : List.of(settings.hostname, "localhost", "127.0.0.1")) {
            origins.add("http://" + host + ":" + settings.http.port());
            if (settings.http.httpsPort() > 0) {
                origins.add("https://" + host + ":" + settings.http.httpsPort());
            }
        }
        WebAppContext console = HawtioConsole.create(settings.dataDir, users(), origins);
        if (console != null) {
            http.serveApp(console);
        }
    }

    /** After the HTTP server stopped: removes the unpacked console. */
    void stopped() {
        if (settings.admin.hawtio()) {
            HawtioConsole.removeFiles(settings.dataDir);
        }
    }
}
