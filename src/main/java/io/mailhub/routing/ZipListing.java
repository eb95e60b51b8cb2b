package io.mailhub.routing;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The names of the files in a ZIP archive, as the attachment rules need them: an executable zipped is still an
 * executable. Names come from the central directory (what Windows Explorer, 7-Zip and {@code unzip} show; a local
 * header may claim another name), or, when there is none (a truncated archive), from the local headers. Archives
 * inside the archive ({@code *.zip} entries) are opened too, {@link #MAX_DEPTH} deep, their entries named {@code
 * inner.zip/file}; what they inflate to is bounded ({@link #MAX_INFLATED}), so a zip bomb costs no more than that.
 * Encrypted entries cannot be opened (nor scanned for viruses), but ZIP encryption leaves the names readable, and the
 * listing says whether there are any. Nothing here throws on a damaged
 * archive: it yields the names it could read.
 */
final class ZipListing {

    /** How many archives deep nested archives are opened (the attachment itself is the first). */
    static final int MAX_DEPTH = 3;

    /** The most octets nested archives of one attachment are inflated to. */
    static final long MAX_INFLATED = 64L << 20;

    /** The most names read from one attachment, nested archives included. */
    static final int MAX_NAMES = 10_000;

    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int END64 = 0x06064b50;
    private static final int END64_LOCATOR = 0x07064b50;
    private static final Charset CP437 = cp437();

    private final List<String> names = new ArrayList<>();
    private long inflated;
    private boolean encrypted;

    /** What an archive holds: the names of its files, and whether any of them is encrypted (a password is needed). */
    record Listing(List<String> names, boolean encrypted) {}

    private ZipListing() {}

    /** Whether the part is meant as a ZIP archive, by its content type or its file name. */
    static boolean isArchive(String mimeType, String fileName) {
        return mimeType != null && List.of("application/zip", "application/x-zip-compressed", "application/x-zip")
                .contains(mimeType)
                || fileName != null && fileName.strip().toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /** Whether the octets start as a ZIP archive does (a local header, or the end record of an empty one). */
    static boolean looksLikeZip(byte[] b) {
        return b.length >= 22 && (u32(b, 0) == LOCAL || u32(b, 0) == END);
    }

    /** The names of the files in the archive (directories left out), nested archives' as {@code inner.zip/name}. */
    static List<String> names(byte[] zip) {
        return list(zip).names();
    }

    /** The names (as {@link #names}) and whether any file, also in a nested archive, is encrypted. */
    static Listing list(byte[] zip) {
        ZipListing listing = new ZipListing();
        listing.read(zip, "", 1);
        return new Listing(listing.names, listing.encrypted);
    }

    private void read(byte[] zip, String prefix, int depth) {
        try {
            if (!central(zip, prefix, depth)) {
                local(zip, prefix);
            }
        } catch (IndexOutOfBoundsException damaged) {
            // a damaged archive: the names read so far
        }
    }

    /** Reads the central directory; {@code false} when the archive has none to be found. */
    private boolean central(byte[] zip, String prefix, int depth) {
        int end = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
            if (u32(zip, i) == END) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return false;
        }
        long entries = u16(zip, end + 10);
        long size = u32(zip, end + 12) & 0xffffffffL;
        long offset = u32(zip, end + 16) & 0xffffffffL;
        if ((offset == 0xffffffffL || entries == 0xffff) && end >= 20 && u32(zip, end - 20) == END64_LOCATOR) {
            int end64 = (int) Math.min(u64(zip, end - 20 + 8), Integer.MAX_VALUE);
            if (u32(zip, end64) == END64) {
                entries = u64(zip, end64 + 32);
                size = u64(zip, end64 + 40);
                offset = u64(zip, end64 + 48);
            }
        }
        long shift = 0; // data before the archive (a self-extractor's program): offsets count from the archive
        if (offset >= zip.length || u32(zip, (int) offset) != CENTRAL) {
            shift = end - size - offset;
            offset = end - size;
        }
        int at = (int) offset;
        for (long n = 0; n < entries && u32(zip, at) == CENTRAL && names.size() < MAX_NAMES; n++) {
            int flags = u16(zip, at + 8);
            int method = u16(zip, at + 10);
            long compressed = u32(zip, at + 20) & 0xffffffffL;
            long plain = u32(zip, at + 24) & 0xffffffffL;
            int nameLength = u16(zip, at + 28);
            int next = at + 46 + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
            long local = (u32(zip, at + 42) & 0xffffffffL) + shift;
            String name = name(zip, at + 46, nameLength, flags);
            if (!name.endsWith("/")) {
                encrypted |= (flags & 1) != 0;
                names.add(prefix + name);
                if (depth < MAX_DEPTH && isArchive(null, name) && (flags & 1) == 0 && compressed < 0xffffffffL) {
                    byte[] inner = entry(zip, (int) local, method, (int) compressed, plain);
                    if (inner != null) {
                        read(inner, prefix + name + "/", depth + 1);
                    }
                }
            }
            at = next;
        }
        return true;
    }

    /** Reads the local headers from the start, for an archive without its central directory. */
    private void local(byte[] zip, String prefix) {
        int at = 0;
        while (at + 30 <= zip.length && u32(zip, at) == LOCAL && names.size() < MAX_NAMES) {
            int flags = u16(zip, at + 6);
            int nameLength = u16(zip, at + 26);
            String name = name(zip, at + 30, nameLength, flags);
            if (!name.endsWith("/")) {
                encrypted |= (flags & 1) != 0;
                names.add(prefix + name);
            }
            if ((flags & 8) != 0) {
                return; // sizes follow the data: where the next header starts is not known
            }
            at += 30 + nameLength + u16(zip, at + 28) + (int) (u32(zip, at + 18) & 0xffffffffL);
        }
    }

    /** An entry's content (stored or deflated), or {@code null} when it cannot be had within the bound. */
    private byte[] entry(byte[] zip, int local, int method, int compressed, long plain) {
        if (local < 0 || u32(zip, local) != LOCAL || plain > MAX_INFLATED - inflated) {
            return null;
        }
        int data = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
        if (data + (long) compressed > zip.length) {
            return null;
        }
        if (method == 0) {
            inflated += compressed;
            return java.util.Arrays.copyOfRange(zip, data, data + compressed);
        }
        if (method != 8) {
            return null;
        }
        inflated += plain; // what the header claims counts, so that lying sizes cannot make it allocate more
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(zip, data, compressed);
            byte[] out = new byte[(int) plain];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    /** A name: UTF-8 when the entry says so (flag bit 11), else code page 437 as the ZIP format defines. */
    private static String name(byte[] zip, int at, int length, int flags) {
        if (at + length > zip.length) {
            throw new IndexOutOfBoundsException(at + length);
        }
        return new String(zip, at, length, (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : CP437).replace('\\', '/');
    }

    private static Charset cp437() {
        try {
            return Charset.forName("IBM437");
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    private static int u16(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8;
    }

    private static int u32(byte[] b, int at) {
        if (at < 0 || at + 4 > b.length) {
            return 0;
        }
        return u16(b, at) | u16(b, at + 2) << 16;
    }

    private static long u64(byte[] b, int at) {
        return (u32(b, at) & 0xffffffffL) | (long) u32(b, at + 4) << 32;
    }
}
