package io.mailhub.app;

import io.mailhub.routing.RouteReloader;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The route files' reloads, as health details: always UP (the running routes stay as they were when a change is
 * refused), with {@code reloads}, {@code refusals} and the last refusal ({@code refused}: file, line, problem) until a
 * later change is valid. Shown by {@code /observe/health?exposureLevel=full}.
 */
final class RouteReloadCheck extends AbstractHealthCheck {

    private final Supplier<RouteReloader> reloader;

    RouteReloadCheck(Supplier<RouteReloader> reloader) {
        super("mailhub", "routes-reload");
        this.reloader = reloader;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        RouteReloader r = reloader.get();
        builder.up();
        if (r == null) {
            builder.detail("watching", false);
            return;
        }
        builder.detail("watching", true).detail("reloads", r.reloads()).detail("refusals", r.refusals());
        if (r.lastRefusal() != null) {
            builder.detail("refused", r.lastRefusal());
        }
    }
}
