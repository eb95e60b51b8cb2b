package io.mailhub.routing;

import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;

/**
 * Where the user's routes hook in: whether a route starts from {@code direct:policy} or {@code direct:routing}
 * (looked up per message, so a reloaded route is seen at once), and whether a route reads the attachment facts (their
 * scan reads the whole message, so it is done only then).
 */
public final class RouteHooks {

    public static final String POLICY = "direct:policy";
    public static final String ROUTING = "direct:routing";

    private final CamelContext context;
    private volatile ProducerTemplate template;
    private volatile boolean reloading;
    private final Object reloadDone = new Object();
    private final java.util.Map<Route, Boolean> readsAttachments =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    public RouteHooks(CamelContext context) {
        this.context = context;
        context.getTypeConverterRegistry().addTypeConverter(InputStream.class, MessageContent.class,
                new org.apache.camel.support.TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
                        try {
                            return type.cast(((MessageContent) value).openStream());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
        context.getTypeConverterRegistry().addTypeConverter(byte[].class, MessageContent.class,
                new org.apache.camel.support.TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
                        try (InputStream in = ((MessageContent) value).openStream()) {
                            return type.cast(in.readAllBytes());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
        context.getTypeConverterRegistry().addTypeConverter(String.class, MessageContent.class,
                new org.apache.camel.support.TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
                        try (InputStream in = ((MessageContent) value).openStream()) {
                            return type.cast(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
    }

    CamelContext context() {
        return context;
    }

    ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }

    /** Set by the reloader while it swaps a file that holds the policy or routing route. */
    void reloading(boolean on) {
        synchronized (reloadDone) {
            reloading = on;
            if (!on) {
                reloadDone.notifyAll();
            }
        }
    }

    /**
     * The route that starts from {@code uri} ({@link #POLICY} or {@link #ROUTING}), or {@code null}; while the
     * reloader swaps such a route, waits for it (at most 30 s), so that no message passes without its rules.
     */
    Route route(String uri) {
        if (reloading) {
            synchronized (reloadDone) {
                long until = System.nanoTime() + 30_000_000_000L;
                while (reloading && System.nanoTime() < until) {
                    try {
                        reloadDone.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        return find(uri);
    }

    private Route find(String uri) {
        String normalized = uri.replace(":", "://");
        for (Route r : context.getRoutes()) {
            String from = r.getEndpoint().getEndpointUri();
            if (from.equals(normalized) || from.equals(uri)) {
                return r;
            }
        }
        return null;
    }

    /** Whether the route's source file mentions the attachment facts (they cost a read of the whole message). */
    boolean readsAttachments(Route r) {
        return readsAttachments.computeIfAbsent(r, RouteHooks::mentionsAttachments);
    }

    private static boolean mentionsAttachments(Route r) {
        String location = r.getSourceLocation();
        if (location == null) {
            return true; // unknown source: better slow than wrong
        }
        String file = location.replaceFirst("^file:", "").replaceFirst(":\\d+$", "");
        try {
            String text = location.startsWith("classpath:")
                    ? new String(RouteHooks.class.getResourceAsStream("/" + file.substring(10)).readAllBytes(),
                            StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
            return text.contains("MailhubHasAttachment") || text.contains("MailhubAttachment")
                    || text.contains("MailhubArchive");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
