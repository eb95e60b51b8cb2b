package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The files of ZIP archives written by the JDK's own ZIP writer, an independent implementation of the format. */
class ZipListingTest {

    /** An archive of the entries (name, content; a name ending in / is a folder), deflated unless {@code stored}. */
    static byte[] zip(boolean stored, Object... entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                ZipEntry e = new ZipEntry((String) entries[i]);
                byte[] content = entries[i + 1] instanceof byte[] b ? b
                        : ((String) entries[i + 1]).getBytes(StandardCharsets.UTF_8);
                if (stored) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(content);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(content.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(content);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void theFilesOfAnArchiveAreListedWithTheirFoldersButFoldersThemselvesAreNot() throws Exception {
        byte[] zip = zip(false, "docs/", "", "docs/readme.txt", "hello", "tools/setup.exe", "MZ", "résumé.pdf", "%PDF");

        assertThat(ZipListing.looksLikeZip(zip)).isTrue();
        assertThat(ZipListing.names(zip)).containsExactly("docs/readme.txt", "tools/setup.exe", "résumé.pdf");
    }

    @Test
    void archivesInsideTheArchiveAreOpenedDeflatedOrStored() throws Exception {
        byte[] innermost = zip(false, "payload.js", "alert(1)");
        byte[] inner = zip(true, "deeper.ZIP", innermost, "note.txt", "x");
        byte[] outer = zip(false, "inner.zip", inner, "a.txt", "a");

        assertThat(ZipListing.names(outer)).containsExactly("inner.zip", "inner.zip/deeper.ZIP",
                "inner.zip/deeper.ZIP/payload.js", "inner.zip/note.txt", "a.txt");
    }

    @Test
    void nestingStopsAtTheDepthLimit() throws Exception {
        byte[] zip = zip(false, "bottom.exe", "MZ");
        for (int i = 0; i < ZipListing.MAX_DEPTH + 1; i++) {
            zip = zip(false, "level" + i + ".zip", zip);
        }

        assertThat(ZipListing.names(zip)).containsExactly("level3.zip", "level3.zip/level2.zip",
                "level3.zip/level2.zip/level1.zip").noneMatch(n -> n.endsWith("bottom.exe"));
    }

    @Test
    void aNestedArchiveThatWouldInflateBeyondTheBoundIsNamedButNotOpened() throws Exception {
        byte[] bomb = new byte[(int) ZipListing.MAX_INFLATED + 1]; // zeros: deflates to a few dozen KB
        byte[] outer = zip(false, "bomb.zip", bomb, "after.txt", "still listed");

        assertThat(ZipListing.names(outer)).containsExactly("bomb.zip", "after.txt");
    }

    @Test
    void theCentralDirectoryNamesTheFilesAsExtractorsShowThemNotTheLocalHeaders() throws Exception {
        byte[] zip = zip(false, "invoice.exe", "MZ");
        byte[] name = "invoice.exe".getBytes(StandardCharsets.US_ASCII);
        int local = indexOf(zip, name, 0);
        System.arraycopy("invoice.txt".getBytes(StandardCharsets.US_ASCII), 0, zip, local, name.length);

        assertThat(ZipListing.names(zip)).containsExactly("invoice.exe");
    }

    @Test
    void aTruncatedArchiveIsListedFromItsLocalHeadersAsFarAsTheyGo() throws Exception {
        byte[] zip = zip(true, "one.txt", "1", "two.exe", "MZ", "three.txt", "3");
        byte[] cut = Arrays.copyOf(zip, indexOf(zip, "three.txt".getBytes(StandardCharsets.US_ASCII), 0) + 4);

        assertThat(ZipListing.names(cut)).containsExactly("one.txt", "two.exe");
    }

    @Test
    void anArchiveAfterASelfExtractorsProgramIsFoundThroughItsEndRecord() throws Exception {
        byte[] zip = zip(false, "setup.exe", "MZ");
        byte[] sfx = new byte[1000 + zip.length];
        Arrays.fill(sfx, 0, 1000, (byte) 'M');
        System.arraycopy(zip, 0, sfx, 1000, zip.length);

        assertThat(ZipListing.names(sfx)).containsExactly("setup.exe");
    }

    @Test
    void anEncryptedFileIsSaidSoAndItsNameIsStillListed() throws Exception {
        byte[] plain = zip(true, "a.txt", "a", "b.exe", "MZ"); // stored: the local headers give the sizes
        byte[] encrypted = plain.clone();
        for (int i = 0; i + 4 <= encrypted.length; i++) { // as zip -P writes it: flag bit 0 in both headers of b.exe
            int sig = encrypted[i] & 0xff | (encrypted[i + 1] & 0xff) << 8 | (encrypted[i + 2] & 0xff) << 16
                    | (encrypted[i + 3] & 0xff) << 24;
            int flags = sig == 0x04034b50 ? i + 6 : sig == 0x02014b50 ? i + 8 : -1;
            int name = sig == 0x04034b50 ? i + 30 : sig == 0x02014b50 ? i + 46 : -1;
            if (flags > 0 && new String(encrypted, name, 5, StandardCharsets.US_ASCII).equals("b.exe")) {
                encrypted[flags] |= 1;
            }
        }

        assertThat(ZipListing.list(plain)).isEqualTo(new ZipListing.Listing(java.util.List.of("a.txt", "b.exe"), false));
        assertThat(ZipListing.list(encrypted)).isEqualTo(new ZipListing.Listing(java.util.List.of("a.txt", "b.exe"),
                true));
        assertThat(ZipListing.list(Arrays.copyOf(encrypted, indexOf(encrypted, new byte[] {'P', 'K', 1, 2}, 0))))
                .as("from the local headers alone").extracting(ZipListing.Listing::encrypted).isEqualTo(true);
    }

    @Test
    void garbageIsNotAnArchiveAndListsNothing() {
        byte[] garbage = "PK\u0003\u0004 but then nothing of an archive at all".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(ZipListing.looksLikeZip("%PDF-1.4 a document".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(ZipListing.names(garbage)).isEmpty();
    }

    @Test
    void aPartIsAnArchiveByItsTypeOrItsName() {
        assertThat(ZipListing.isArchive("application/zip", null)).isTrue();
        assertThat(ZipListing.isArchive("application/x-zip-compressed", "files")).isTrue();
        assertThat(ZipListing.isArchive("application/octet-stream", "Files.ZIP ")).isTrue();
        assertThat(ZipListing.isArchive("application/pdf", "report.pdf")).isFalse();
    }

    private static int indexOf(byte[] in, byte[] what, int from) {
        outer:
        for (int i = from; i <= in.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
