package io.mailhub.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the route files of {@code mailhub.routes.dir} when they change (checked every second), after validation:
 * the whole directory is checked with the same rules as {@code routes check}; a problem refuses the change with one
 * log line per problem (file, line, what) and the running routes stay exactly as they were; a valid change replaces
 * the routes of the changed files (by route id; a route whose file no longer has it is removed). While a file that
 * holds the policy or routing route is swapped, messages wait for the new route ({@link RouteHooks#reloading}), so no
 * message runs without its rules and none is lost: a dispatch transaction that waits too long rolls back and is
 * redelivered.
 */
public final class RouteReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");

    private record Seen(FileTime modified, long size) {}

    private final CamelContext context;
    private final RouteHooks hooks;
    private final Path dir;
    private final Function<List<Path>, List<String>> validator;
    private final Map<Path, Seen> seen = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastRefusal;
    private volatile int reloads;
    private volatile int refusals;

    /** @param validator the problems of a set of route files ({@code routes check}'s rules); empty when valid */
    public RouteReloader(CamelContext context, RouteHooks hooks, Path dir, Function<List<Path>, List<String>> validator,
            Duration interval) throws IOException {
        this.context = context;
        this.hooks = hooks;
        this.dir = dir;
        this.validator = validator;
        for (Path f : files()) {
            seen.put(f, seen(f));
        }
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(interval.toMillis());
                    scan();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | IOException e) {
                    LOG.error("routes: reloading {} failed: {}", dir, e.toString());
                }
            }
        }, "mailhub-route-reload");
        thread.setDaemon(true);
    }

    /** What a scan did: the files changed and removed, and the problems that refused them (empty: loaded). */
    public record Change(List<Path> changed, List<Path> removed, List<String> problems) {}

    private volatile java.util.function.Consumer<Change> listener = c -> { };

    /** Tells {@code listener} of every change it loads or refuses (the audit log records configuration reloads). */
    public RouteReloader onChange(java.util.function.Consumer<Change> listener) {
        this.listener = listener;
        return this;
    }

    private void tell(Change change) {
        try {
            listener.accept(change);
        } catch (RuntimeException e) {
            LOG.warn("routes: could not record the change: {}", e.toString());
        }
    }

    public RouteReloader start() {
        thread.start();
        LOG.info("routes: watching {} for changed route files", dir);
        return this;
    }

    /** The last refused change (its first problem), or {@code null}. */
    public String lastRefusal() {
        return lastRefusal;
    }

    public int reloads() {
        return reloads;
    }

    public int refusals() {
        return refusals;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".camel.yaml") || p.toString().endsWith(".camel.xml"))
                    .sorted().toList();
        }
    }

    private static Seen seen(Path f) throws IOException {
        return new Seen(Files.getLastModifiedTime(f), Files.size(f));
    }

    /** One look at the directory: changed, new or removed files are validated and reloaded. */
    synchronized void scan() throws IOException {
        List<Path> now = files();
        List<Path> changed = new ArrayList<>();
        Map<Path, Seen> current = new HashMap<>();
        for (Path f : now) {
            Seen s = seen(f);
            current.put(f, s);
            if (!s.equals(seen.get(f))) {
                changed.add(f);
            }
        }
        List<Path> removed = seen.keySet().stream().filter(f -> !current.containsKey(f)).toList();
        if (changed.isEmpty() && removed.isEmpty()) {
            return;
        }
        seen.clear();
        seen.putAll(current); // a refused version is not looked at again until it changes
        List<String> problems = validator.apply(now);
        if (!problems.isEmpty()) {
            refusals++;
            lastRefusal = problems.get(0);
            for (String p : problems) {
                LOG.error("routes: change refused, the running routes stay as they were: {}", p);
            }
            tell(new Change(List.copyOf(changed), List.copyOf(removed), List.copyOf(problems)));
            return;
        }
        for (Path f : changed) {
            reload(f);
        }
        for (Path f : removed) {
            remove(f, Set.of());
            LOG.info("routes: {} removed, its routes stopped and removed", f);
        }
        lastRefusal = null;
        reloads++;
        tell(new Change(List.copyOf(changed), List.copyOf(removed), List.of()));
    }

    private void reload(Path f) throws IOException {
        List<String> before = routesOf(f);
        boolean hook = isHook(before) || Files.readString(f).contains("direct:policy")
                || Files.readString(f).contains("direct:routing");
        if (hook) {
            hooks.reloading(true);
        }
        try {
            Set<String> ids = PluginHelper.getRoutesLoader(context).updateRoutes(
                    Set.of(ResourceHelper.resolveResource(context, "file:" + f.toAbsolutePath())));
            remove(f, ids);
            LOG.info("routes: {} reloaded: {}", f, String.join(", ", ids));
        } catch (Exception e) {
            LOG.error("routes: {} passed the checks but did not load: {}", f, e.toString());
        } finally {
            if (hook) {
                hooks.reloading(false);
            }
        }
    }

    /** Removes the routes of {@code f} that are not among {@code keep}. */
    private void remove(Path f, Set<String> keep) {
        for (String id : routesOf(f)) {
            if (!keep.contains(id)) {
                try {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                } catch (Exception e) {
                    LOG.error("routes: cannot remove route {} of {}: {}", id, f, e.toString());
                }
            }
        }
    }

    private List<String> routesOf(Path f) {
        String name = f.toAbsolutePath().toString();
        List<String> ids = new ArrayList<>();
        for (Route r : context.getRoutes()) {
            String loc = r.getSourceLocation();
            if (loc != null && loc.replaceFirst("^file:", "").replaceFirst(":\\d+$", "").equals(name)) {
                ids.add(r.getRouteId());
            }
        }
        return ids;
    }

    private boolean isHook(List<String> ids) {
        for (String id : ids) {
            Route r = context.getRoute(id);
            String uri = r == null ? "" : r.getEndpoint().getEndpointUri();
            if (uri.equals("direct://policy") || uri.equals("direct://routing")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
