package io.mailhub.ingress.pickup;

import io.mailhub.acceptance.Door;
import io.mailhub.acceptance.Origin;
import io.mailhub.auth.ApiKey;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.ingress.http.LocalSubmissions;
import io.mailhub.model.QueueIds;
import io.mailhub.model.SyntaxException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pickup directory: files that systems drop there ({@code NAME.eml}, a message, or {@code NAME.json}, the send
 * API's JSON) go through the acceptance path like an API request of the principal {@code pickup}, whose senders are
 * {@code mailhub.pickup.senders}. A file is read once it has been unchanged for the stable time (writers should write
 * {@code NAME.tmp} and rename it; other names are never read), removed only after its message is durably queued,
 * moved to {@code .bad/} with {@code NAME.reason} beside it when it is refused for good, and left in place (tried
 * again at the next scan) when the refusal is temporary.
 *
 * <p>No duplicate after a crash: the queue id of a file's message derives from the file itself (name, inode, size,
 * modification time), so when the hub dies after queuing a message but before removing its file, the file read again
 * makes the same message, which the broker's duplicate detection stores once.
 */
public final class PickupDirectory {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    /** The principal of the pickup directory and of {@code sendmail}. */
    public static final String PRINCIPAL = "pickup";

    private final PickupSettings settings;
    private final LocalSubmissions submissions;
    private final ApiKey principal;
    private final Origin origin;
    private final Clock clock;
    private final Set<String> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService scanner;
    private java.util.concurrent.ExecutorService workers;

    public PickupDirectory(PickupSettings settings, LocalSubmissions submissions, Clock clock) {
        this.settings = settings;
        this.submissions = submissions;
        this.principal = new ApiKey(PRINCIPAL, "", settings.senders(), 0, 0, false, false);
        InetAddress local = InetAddress.getLoopbackAddress();
        this.origin = new Origin(Door.PICKUP, local, null, principal, false,
                SessionTrace.via("local", local.getHostAddress(), null, null, PRINCIPAL));
        this.clock = clock;
    }

    public void start() throws IOException {
        Files.createDirectories(settings.dir().resolve(".bad"));
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "mailhub-pickup-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailhub-pickup");
            t.setDaemon(true);
            return t;
        });
        scanner.scheduleWithFixedDelay(this::scanSafely, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("pickup directory {} (senders: {})", settings.dir(),
                settings.senders().isEmpty() ? "none, every file is refused" : settings.senders());
    }

    public void stop() throws InterruptedException {
        if (scanner != null) {
            scanner.shutdown();
            scanner.awaitTermination(30, TimeUnit.SECONDS);
            workers.shutdown();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private void scanSafely() {
        try {
            scan();
        } catch (IOException | RuntimeException e) {
            LOG.warn("pickup directory {}: cannot scan: {}", settings.dir(), e.toString());
        }
    }

    /** Reads every file that is ready, oldest first. */
    void scan() throws IOException {
        record Ready(Path file, BasicFileAttributes attrs) {}
        List<Ready> ready = new ArrayList<>();
        long now = clock.millis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.dir(), "*.{eml,json}")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || isSidecar(f)) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(f, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (a.isRegularFile() && now - a.lastModifiedTime().toMillis() >= settings.stableTime().toMillis()) {
                    ready.add(new Ready(f, a));
                }
            }
        }
        ready.sort(Comparator.comparing(r -> r.attrs().lastModifiedTime()));
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (Ready r : ready) {
            if (Thread.currentThread().isInterrupted() || scanner != null && scanner.isShutdown()) {
                break;
            }
            running.add(workers.submit(() -> pickUp(r.file(), r.attrs())));
        }
        for (java.util.concurrent.Future<?> f : running) { // the next scan starts when these files are done
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("pickup: {}", e.getCause().toString());
            }
        }
    }

    /** {@code NAME.json} beside a {@code NAME.eml} belongs to it and is not a message of its own (see pickUp). */
    private static boolean isSidecar(Path f) {
        String name = f.getFileName().toString();
        return name.endsWith(".json")
                && Files.exists(f.resolveSibling(name.substring(0, name.length() - 5) + ".eml"));
    }

    private void pickUp(Path file, BasicFileAttributes attrs) {
        String name = file.getFileName().toString();
        String seed = "pickup\0" + settings.dir() + "\0" + name + "\0" + attrs.fileKey() + "\0" + attrs.size() + "\0"
                + attrs.lastModifiedTime().toMillis();
        Path sidecar = name.endsWith(".eml") ? file.resolveSibling(name.substring(0, name.length() - 4) + ".json")
                : null;
        SidecarEnvelope given = null;
        if (sidecar != null && Files.exists(sidecar)) {
            try {
                given = SidecarEnvelope.read(sidecar);
            } catch (SyntaxException | IOException e) {
                String reason = "5.5.2 invalid-request: " + sidecar.getFileName() + ": " + e.getMessage();
                refuse(sidecar, reason);
                refuse(file, reason);
                return;
            }
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
            List<String> ids;
            if (name.endsWith(".json")) {
                ids = submissions.json(in, principal, origin, n -> QueueIds.derived(seed + "\0" + n)).stream()
                        .map(LocalSubmissions.Queued::queueId).toList();
            } else {
                ReplayEnvelope env = ReplayEnvelope.read(in);
                if (given != null && !env.isEmpty()) {
                    throw new SyntaxException("the envelope is given twice: in " + sidecar.getFileName()
                            + " and in X-Sender/X-Receiver lines");
                }
                boolean senderGiven = given != null ? given.senderGiven() : env.senderGiven();
                ids = List.of(submissions.raw(in, attrs.size(), principal, origin, senderGiven,
                        given != null ? given.sender() : env.sender(),
                        given != null ? given.recipients() : env.recipients(), env.ret(), env.envid(),
                        QueueIds.derived(seed)).queueId());
            }
            if (given != null) { // first: a crash before the .eml goes makes the same queue id again, stored once
                Files.deleteIfExists(sidecar);
            }
            Files.deleteIfExists(file);
            waiting.remove(name);
            LOG.info("pickup: {} queued as {}", name, String.join(", ", ids));
        } catch (NoSuchFileException e) {
            waiting.remove(name); // taken away meanwhile
        } catch (LocalSubmissions.Refused e) {
            if (e.isTemporary()) {
                if (waiting.add(name)) {
                    LOG.warn("pickup: {} not queued yet, tried again at every scan: {}", name, e.reason());
                }
            } else {
                if (given != null) {
                    refuse(sidecar, e.reason());
                }
                refuse(file, e.reason());
            }
        } catch (SyntaxException e) {
            if (given != null) {
                refuse(sidecar, "5.6.0 invalid-envelope: " + e.getMessage());
            }
            refuse(file, "5.6.0 invalid-envelope: " + e.getMessage());
        } catch (IOException e) {
            if (waiting.add(name)) {
                LOG.warn("pickup: {} cannot be read, tried again at every scan: {}", name, e.toString());
            }
        }
    }

    /** Moves a file refused for good to {@code .bad/}, its reason first (a crash between leaves it to be read again). */
    private void refuse(Path file, String reason) {
        String name = file.getFileName().toString();
        waiting.remove(name);
        Path bad = settings.dir().resolve(".bad");
        try {
            Path tmp = bad.resolve(name + ".reason.tmp");
            Files.writeString(tmp, reason + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, bad.resolve(name + ".reason"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(file, bad.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("pickup: {} refused, moved to .bad/: {}", name, reason);
        } catch (IOException e) {
            LOG.error("pickup: {} refused ({}) but cannot be moved to {}: {}", name, reason, bad, e.toString());
        }
    }
}
