package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentStoreTest {

    private static final Duration LIFETIME = Duration.ofDays(7);
    private static final String BASE = "https://mail.example.com:8443";

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2026-03-02T09:15:05.250Z"));

    private AttachmentStore open() throws Exception {
        return AttachmentStore.open(dir, LIFETIME, () -> BASE, clock);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The token, expires and signature of a link, as the servlet gets them. */
    private static String[] parts(String url) {
        URI u = URI.create(url);
        Map<String, String> q = new HashMap<>();
        for (String p : u.getRawQuery().split("&")) {
            q.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
        }
        String path = u.getRawPath();
        return new String[] {path.substring(path.lastIndexOf('/') + 1), q.get("expires"), q.get("signature")};
    }

    private static AttachmentStore.Status status(AttachmentStore store, String[] link) {
        return store.lookup(link[0], link[1], link[2]).status();
    }

    @Test
    void aStoredAttachmentIsFoundThroughItsSignedLinkWithItsDigest() throws Exception {
        AttachmentStore store = open();
        byte[] data = bytes(70_000, 1);

        AttachmentStore.Stored s = store.store("01JQ8Z3K7M2XQF", 0, "report.pdf", "application/pdf",
                new ByteArrayInputStream(data));
        String url = store.url(s);
        AttachmentStore.Lookup found = store.lookup(parts(url)[0], parts(url)[1], parts(url)[2]);

        assertThat(url).startsWith(BASE + "/api/v1/attachments/" + s.token() + "?expires=");
        assertThat(s.token()).matches("[A-Za-z0-9_-]{43}");
        assertThat(s.size()).isEqualTo(data.length);
        assertThat(s.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(LIFETIME)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(found.status()).isEqualTo(AttachmentStore.Status.FOUND);
        assertThat(Files.readAllBytes(found.content())).isEqualTo(data);
        assertThat(found.stored()).isEqualTo(s);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file is left")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aTamperedSignatureOrExpiryOrASignatureOfAnotherTokenIsRefused() throws Exception {
        AttachmentStore store = open();
        String[] a = parts(store.url(store.store("Q1", 0, "a.bin", "application/octet-stream",
                new ByteArrayInputStream(bytes(10, 2)))));
        String[] b = parts(store.url(store.store("Q1", 1, "b.bin", "application/octet-stream",
                new ByteArrayInputStream(bytes(10, 3)))));
        char last = a[2].charAt(a[2].length() - 1);
        String flipped = a[2].substring(0, a[2].length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(status(store, a)).isEqualTo(AttachmentStore.Status.FOUND);
        assertThat(status(store, new String[] {a[0], a[1], flipped})).isEqualTo(AttachmentStore.Status.BAD_SIGNATURE);
        assertThat(status(store, new String[] {a[0], Long.toString(Long.parseLong(a[1]) + 86_400), a[2]}))
                .as("a later expiry with the old signature").isEqualTo(AttachmentStore.Status.BAD_SIGNATURE);
        assertThat(status(store, new String[] {a[0], a[1], null})).isEqualTo(AttachmentStore.Status.BAD_SIGNATURE);
        assertThat(status(store, new String[] {a[0], "soon", a[2]})).isEqualTo(AttachmentStore.Status.BAD_SIGNATURE);
        assertThat(status(store, new String[] {a[0], b[1], b[2]})).as("b's signature on a's token")
                .isEqualTo(AttachmentStore.Status.BAD_SIGNATURE);
        assertThat(status(store, b)).isEqualTo(AttachmentStore.Status.FOUND);
    }

    @Test
    void aLinkWorksUntilItsExpiryAndIsGoneAfterIt() throws Exception {
        AttachmentStore store = open();
        AttachmentStore.Stored s = store.store("Q2", 0, null, "image/png", new ByteArrayInputStream(bytes(100, 4)));
        String[] link = parts(store.url(s));

        clock.set(s.expiresAt().minusSeconds(1));
        assertThat(status(store, link)).isEqualTo(AttachmentStore.Status.FOUND);
        clock.set(s.expiresAt());
        assertThat(status(store, link)).isEqualTo(AttachmentStore.Status.EXPIRED);
    }

    @Test
    void aTokenOfAnotherShapeOrOneNotStoredIsNotFound() throws Exception {
        AttachmentStore store = open();
        AttachmentStore.Stored s = store.store("Q3", 0, "x", "text/plain", new ByteArrayInputStream(bytes(5, 5)));
        String[] link = parts(store.url(s));

        assertThat(store.lookup("../link.key", link[1], link[2]).status()).isEqualTo(AttachmentStore.Status.NOT_FOUND);
        assertThat(store.lookup("", link[1], link[2]).status()).isEqualTo(AttachmentStore.Status.NOT_FOUND);
        deleteTree(dir.resolve(s.token()));
        assertThat(status(store, link)).as("signed but deleted").isEqualTo(AttachmentStore.Status.NOT_FOUND);
    }

    @Test
    void aRetriedWebhookGetsTheSameLinksAndAnotherAttachmentAnotherOne() throws Exception {
        AttachmentStore store = open();
        byte[] data = bytes(2_000, 6);

        AttachmentStore.Stored first = store.store("Q4", 0, "a.bin", "application/octet-stream",
                new ByteArrayInputStream(data));
        clock.set(clock.instant().plusSeconds(3_600));
        AttachmentStore.Stored again = store.store("Q4", 0, "a.bin", "application/octet-stream",
                new ByteArrayInputStream(data));
        AttachmentStore.Stored other = store.store("Q4", 1, "a.bin", "application/octet-stream",
                new ByteArrayInputStream(data));
        AttachmentStore.Stored otherMessage = store.store("Q5", 0, "a.bin", "application/octet-stream",
                new ByteArrayInputStream(data));

        assertThat(again).isEqualTo(first);
        assertThat(store.url(again)).isEqualTo(store.url(first));
        assertThat(other.token()).isNotEqualTo(first.token());
        assertThat(otherMessage.token()).isNotIn(first.token(), other.token());
    }

    @Test
    void aRetryAfterTheLinkExpiredStoresTheAttachmentAgainWithANewLink() throws Exception {
        AttachmentStore store = open();
        AttachmentStore.Stored first = store.store("Q6", 0, "a", "text/plain", new ByteArrayInputStream(bytes(9, 7)));

        clock.set(first.expiresAt().plusSeconds(1));
        AttachmentStore.Stored again = store.store("Q6", 0, "a", "text/plain", new ByteArrayInputStream(bytes(9, 7)));

        assertThat(again.token()).isNotEqualTo(first.token());
        assertThat(again.expiresAt()).isAfter(clock.instant());
        assertThat(status(store, parts(store.url(again)))).isEqualTo(AttachmentStore.Status.FOUND);
    }

    @Test
    void theKeyIsMadeOnceAndKeptSoLinksSurviveARestart() throws Exception {
        AttachmentStore before = open();
        String url = before.url(before.store("Q7", 0, "a", "text/plain", new ByteArrayInputStream(bytes(9, 8))));
        byte[] key = Files.readAllBytes(dir.resolve("link.key"));

        AttachmentStore after = open();

        assertThat(key).hasSize(32);
        assertThat(Files.readAllBytes(dir.resolve("link.key"))).isEqualTo(key);
        assertThat(status(after, parts(url))).isEqualTo(AttachmentStore.Status.FOUND);
        Path otherDir = Files.createDirectories(dir.resolve("elsewhere"));
        AttachmentStore otherHub = AttachmentStore.open(otherDir, LIFETIME, () -> BASE, clock);
        assertThat(status(otherHub, parts(url))).as("another hub's key")
                .isEqualTo(AttachmentStore.Status.BAD_SIGNATURE);
    }

    @Test
    void theSweepDeletesExpiredAttachmentsTheirReferencesAndStaleTemporaryFilesOnly() throws Exception {
        AttachmentStore store = open();
        AttachmentStore.Stored old = store.store("Q8", 0, "old", "text/plain", new ByteArrayInputStream(bytes(9, 9)));
        clock.set(clock.instant().plus(Duration.ofDays(3)));
        AttachmentStore.Stored young = store.store("Q9", 0, "young", "text/plain",
                new ByteArrayInputStream(bytes(9, 10)));
        Path staleTemp = Files.createDirectories(dir.resolve(".stale.tmp"));
        Path freshTemp = Files.createDirectories(dir.resolve(".fresh.tmp"));
        clock.set(old.expiresAt().plusSeconds(1));
        Files.setLastModifiedTime(staleTemp,
                java.nio.file.attribute.FileTime.from(clock.instant().minusSeconds(7_200)));
        Files.setLastModifiedTime(freshTemp, java.nio.file.attribute.FileTime.from(clock.instant().minusSeconds(60)));

        int removed = store.sweep();

        assertThat(removed).isEqualTo(1);
        assertThat(dir.resolve(old.token())).doesNotExist();
        assertThat(dir.resolve(young.token())).isDirectory();
        assertThat(staleTemp).doesNotExist();
        assertThat(freshTemp).exists();
        try (var refs = Files.list(dir.resolve("refs"))) {
            assertThat(refs.map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList()).as("only the young attachment's reference is left").containsExactly(young.token());
        }
        assertThat(dir.resolve("link.key")).exists();
        assertThat(status(store, parts(store.url(young)))).isEqualTo(AttachmentStore.Status.FOUND);
        assertThat(store.sweep()).as("nothing more to do").isZero();
    }

    private static void deleteTree(Path p) throws Exception {
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
