package io.mailhub.routing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attachments the webhook action sends by reference ({@code attachmentsByReferenceOver}), kept in
 * {@code <data dir>/attachments} until their links expire ({@code mailhub.webhook.attachment-lifetime}). Each is stored
 * and synced before the webhook is called, and found again by queue id and position when the webhook is retried, so
 * every attempt carries the same links.
 *
 * <pre>
 * TOKEN/content, TOKEN/meta.properties   one attachment: written in .TOKEN.tmp/, synced, renamed
 * refs/KEY                               the TOKEN of attachment N of queue id Q (KEY: SHA-256 of Q and N)
 * link.key                               the HMAC key of the links ({@link AttachmentLinks})
 * </pre>
 */
public final class AttachmentStore {

    /** The registry name the runtime binds the store under; the {@code mailhub:} component looks it up there. */
    public static final String BEAN = "webhookAttachments";

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");
    /** A temporary file older than this belongs to a store that never finished (a crash). */
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    /** What a link leads to. */
    public enum Status { FOUND, BAD_SIGNATURE, EXPIRED, NOT_FOUND }

    /** The answer to a link: its status and, when {@link Status#FOUND}, the content file and what it is. */
    public record Lookup(Status status, Path content, Stored stored) {}

    /** One stored attachment, as the webhook JSON describes it. */
    public record Stored(String token, String filename, String contentType, long size, String sha256,
            Instant expiresAt) {}

    private final Path dir;
    private final Duration lifetime;
    private final Supplier<String> base;
    private final Clock clock;
    private final AttachmentLinks links;

    private AttachmentStore(Path dir, Duration lifetime, Supplier<String> base, Clock clock, AttachmentLinks links) {
        this.dir = dir;
        this.lifetime = lifetime;
        this.base = base;
        this.clock = clock;
        this.links = links;
    }

    /**
     * @param base the base of the links ({@code https://mail.example.com:8443}), asked each time a link is made (the
     *     HTTP port is known only once the listener is bound)
     */
    public static AttachmentStore open(Path dir, Duration lifetime, Supplier<String> base, Clock clock)
            throws IOException {
        Files.createDirectories(dir.resolve("refs"));
        return new AttachmentStore(dir, lifetime, base, clock, AttachmentLinks.load(dir.resolve("link.key")));
    }

    /** The absolute, signed link to a stored attachment. */
    public String url(Stored s) {
        return links.url(base.get(), s.token(), s.expiresAt().getEpochSecond());
    }

    /**
     * Stores attachment number {@code index} of message {@code queueId} (synced and renamed before this returns),
     * unless an earlier attempt stored it and its link still works: then that one, so the link is the same.
     */
    public Stored store(String queueId, int index, String filename, String contentType, InputStream data)
            throws IOException {
        Path ref = dir.resolve("refs").resolve(refName(queueId, index));
        if (Files.exists(ref)) {
            Stored earlier = read(Files.readString(ref, StandardCharsets.US_ASCII).strip());
            if (earlier != null && earlier.expiresAt().isAfter(clock.instant())) {
                return earlier;
            }
        }
        String token = AttachmentLinks.newToken();
        Path tmp = Files.createDirectory(dir.resolve("." + token + ".tmp"));
        MessageDigest sha = sha256();
        long size;
        try (FileChannel ch = FileChannel.open(tmp.resolve("content"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), sha)) {
            size = data.transferTo(out);
            out.flush();
            ch.force(true);
        }
        Stored s = new Stored(token, filename, contentType, size, HexFormat.of().formatHex(sha.digest()),
                clock.instant().plus(lifetime).truncatedTo(ChronoUnit.SECONDS));
        writeSynced(tmp.resolve("meta.properties"), meta(s));
        Files.move(tmp, dir.resolve(token), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        Path refTmp = ref.resolveSibling("." + ref.getFileName() + ".tmp");
        writeSynced(refTmp, token.getBytes(StandardCharsets.US_ASCII));
        Files.move(refTmp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(ref.getParent());
        return s;
    }

    /**
     * Checks a link: a token of another shape or one not stored is {@link Status#NOT_FOUND}, a signature that is
     * missing or not ours for this token and expiry {@link Status#BAD_SIGNATURE} (before anything is looked up, so a
     * guessed token tells nothing), a past expiry {@link Status#EXPIRED}.
     */
    public Lookup lookup(String token, String expires, String signature) {
        if (!AttachmentLinks.isToken(token)) {
            return new Lookup(Status.NOT_FOUND, null, null);
        }
        long until;
        try {
            until = Long.parseLong(expires == null ? "" : expires);
        } catch (NumberFormatException e) {
            return new Lookup(Status.BAD_SIGNATURE, null, null);
        }
        if (!links.verify(token, until, signature)) {
            return new Lookup(Status.BAD_SIGNATURE, null, null);
        }
        if (clock.instant().getEpochSecond() >= until) {
            return new Lookup(Status.EXPIRED, null, null);
        }
        Stored s = read(token);
        return s == null ? new Lookup(Status.NOT_FOUND, null, null)
                : new Lookup(Status.FOUND, dir.resolve(token).resolve("content"), s);
    }

    /**
     * Deletes the attachments whose links have expired, the references to them, and temporary files of stores that
     * never finished. Returns how many attachments it deleted; problems are logged, never thrown (it runs on a timer).
     */
    public int sweep() {
        Instant now = clock.instant();
        int removed = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                String name = p.getFileName().toString();
                try {
                    if (AttachmentLinks.isToken(name)) {
                        Stored s = read(name);
                        if (s == null || !s.expiresAt().isAfter(now)) {
                            deleteTree(p);
                            removed++;
                        }
                    } else if (name.startsWith(".") && name.endsWith(".tmp") && isStale(p, now)) {
                        deleteTree(p);
                    }
                } catch (IOException e) {
                    LOG.warn("webhook attachments: {} not deleted: {}", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("webhook attachments: {} cannot be listed: {}", dir, e.toString());
        }
        try (DirectoryStream<Path> refs = Files.newDirectoryStream(dir.resolve("refs"))) {
            for (Path ref : refs) {
                try {
                    if (ref.getFileName().toString().startsWith(".") ? isStale(ref, now) : !isStored(ref)) {
                        Files.deleteIfExists(ref);
                    }
                } catch (IOException e) {
                    LOG.warn("webhook attachments: {} not deleted: {}", ref, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("webhook attachments: {} cannot be listed: {}", dir.resolve("refs"), e.toString());
        }
        if (removed > 0) {
            LOG.info("webhook attachments: deleted {} whose links expired", removed);
        }
        return removed;
    }

    /** Whether the attachment a reference names is still there. */
    private boolean isStored(Path ref) throws IOException {
        String token = Files.readString(ref, StandardCharsets.US_ASCII).strip();
        return AttachmentLinks.isToken(token) && Files.isDirectory(dir.resolve(token));
    }

    /** The attachment of {@code token}, or {@code null} when there is none (or it cannot be read). */
    private Stored read(String token) {
        if (!AttachmentLinks.isToken(token)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(token).resolve("meta.properties"),
                StandardCharsets.UTF_8)) {
            p.load(in);
            return new Stored(token, p.getProperty("filename"), p.getProperty("content_type"),
                    Long.parseLong(p.getProperty("size")), p.getProperty("sha256"),
                    Instant.ofEpochSecond(Long.parseLong(p.getProperty("expires"))));
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("webhook attachments: {} cannot be read: {}", dir.resolve(token), e.toString());
            return null;
        }
    }

    private static byte[] meta(Stored s) throws IOException {
        Properties p = new Properties();
        if (s.filename() != null) {
            p.setProperty("filename", s.filename());
        }
        p.setProperty("content_type", s.contentType());
        p.setProperty("size", Long.toString(s.size()));
        p.setProperty("sha256", s.sha256());
        p.setProperty("expires", Long.toString(s.expiresAt().getEpochSecond()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        return out.toByteArray();
    }

    private static String refName(String queueId, int index) {
        return HexFormat.of().formatHex(sha256().digest((queueId + "\n" + index).getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void writeSynced(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
    }

    private static void syncDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true); // the rename itself is durable
        } catch (IOException ignored) {
            // not every file system can sync a directory
        }
    }

    private static boolean isStale(Path p, Instant now) throws IOException {
        return Files.getLastModifiedTime(p).toInstant().isBefore(now.minus(STALE_TEMP));
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
