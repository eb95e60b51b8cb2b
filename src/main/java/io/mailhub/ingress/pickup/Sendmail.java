package io.mailhub.ingress.pickup;

import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code mailhub sendmail [-t] [-i] [-f sender] [-F name] [-oi] [-bm] [rcpt...]}: reads a message from standard input
 * as {@code /usr/sbin/sendmail} does and hands it to the hub through the pickup directory: the message, with its
 * envelope in X-Sender/X-Receiver lines, is written as {@code NAME.tmp}, synced, and renamed to {@code NAME.eml}. It
 * then waits for the hub to take it: removed (queued) is exit 0; moved to {@code .bad/} is the reason on standard
 * error and 65 (77 for a sender that is not allowed); not taken within the wait (the hub is down or cannot queue) is
 * 75 after the file is taken back, so that the caller's retry makes no duplicate. Exit codes are {@code sysexits.h}'s.
 */
public final class Sendmail {

    public static final int EX_OK = 0;
    public static final int EX_USAGE = 64;
    public static final int EX_DATAERR = 65;
    public static final int EX_IOERR = 74;
    public static final int EX_TEMPFAIL = 75;
    public static final int EX_NOPERM = 77;
    public static final int EX_CONFIG = 78;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The command line, parsed. */
    record Options(boolean fromHeaders, boolean dotEnds, String sender, String fullName, String notifyOn, String ret,
            String envid, List<String> recipients) {}

    private final Path dir;
    private final Duration wait;
    private final String hostname;
    private final PrintStream err;

    /**
     * @param dir the pickup directory
     * @param wait how long to wait for the hub to take the message
     * @param hostname the domain of a sender made up when neither {@code -f} nor a From field gives one
     */
    public Sendmail(Path dir, Duration wait, String hostname, PrintStream err) {
        this.dir = dir;
        this.wait = wait;
        this.hostname = hostname;
        this.err = err;
    }

    /** Parses sendmail's options (those of Postfix's sendmail that callers use; others are refused or ignored). */
    static Options parse(List<String> args) throws SyntaxException {
        boolean t = false;
        boolean dot = true;
        String sender = null;
        String name = null;
        String notify = null;
        String ret = null;
        String envid = null;
        List<String> rcpts = new ArrayList<>();
        int i = 0;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.length() < 2) {
                break;
            }
            char o = a.charAt(1);
            String attached = a.substring(2);
            switch (o) {
                case 't' -> t = true;
                case 'i' -> dot = false;
                case 'v', 'n', 'U' -> { } // verbose, no aliasing, initial submission: nothing to do
                case 'o' -> {
                    if (attached.equals("i")) {
                        dot = false;
                    } else if (attached.isEmpty()) {
                        throw new SyntaxException("-o needs an option letter");
                    } // -oem, -odi, -oQ... are sendmail's delivery options: nothing to do here
                }
                case 'b' -> {
                    if (!attached.equals("m")) {
                        throw new SyntaxException("-b" + attached + " is not supported (only -bm, send mail)");
                    }
                }
                case 'f', 'r', 'F', 'B', 'N', 'R', 'V' -> {
                    String v = attached;
                    if (v.isEmpty()) {
                        if (++i >= args.size()) {
                            throw new SyntaxException("-" + o + " needs a value");
                        }
                        v = args.get(i);
                    }
                    switch (o) {
                        case 'f', 'r' -> sender = v;
                        case 'F' -> name = v;
                        case 'N' -> notify = v.toUpperCase(Locale.ROOT);
                        case 'R' -> ret = v.toUpperCase(Locale.ROOT);
                        case 'V' -> envid = v;
                        default -> { } // -B 8BITMIME / 7BIT: the hub takes 8-bit either way
                    }
                }
                default -> throw new SyntaxException("unknown option " + a);
            }
        }
        rcpts.addAll(args.subList(i, args.size()));
        return new Options(t, dot, sender, name, notify, ret, envid, List.copyOf(rcpts));
    }

    /** Runs the command; returns the exit status. */
    public int run(List<String> args, InputStream in) {
        Options o;
        try {
            o = parse(args);
        } catch (SyntaxException e) {
            err.println("sendmail: " + e.getMessage());
            err.println("usage: sendmail [-t] [-i] [-f sender] [-F name] [-oi] [-bm] [-N dsn] [-R ret] [-V envid]"
                    + " [recipient...]");
            return EX_USAGE;
        }
        byte[] message;
        try {
            message = read(in, o.dotEnds());
        } catch (IOException e) {
            err.println("sendmail: cannot read the message: " + e.getMessage());
            return EX_IOERR;
        }
        List<String> header = headerFields(message);
        List<String> recipients = new ArrayList<>();
        String sender;
        try {
            for (String r : o.recipients()) {
                for (String part : r.split(",")) {
                    if (!part.isBlank()) {
                        recipients.add(mailbox(part));
                    }
                }
            }
            if (o.fromHeaders()) {
                recipients.addAll(addresses(header, "to", "cc", "bcc"));
            }
            sender = o.sender() == null ? null : o.sender().isBlank() || o.sender().equals("<>") ? ""
                    : mailbox(o.sender());
        } catch (SyntaxException e) {
            err.println("sendmail: " + e.getMessage());
            return EX_DATAERR;
        }
        if (recipients.isEmpty()) {
            err.println("sendmail: no recipients specified" + (o.fromHeaders() ? " (none in To, Cc or Bcc either)"
                    : "; give them as arguments, or use -t to take them from the To, Cc and Bcc fields"));
            return EX_USAGE;
        }
        StringBuilder lead = new StringBuilder();
        if (sender == null && !hasField(header, "from")) {
            sender = System.getProperty("user.name", "nobody") + "@" + hostname;
        }
        if (sender != null) {
            lead.append("X-Sender: <").append(sender).append('>');
            if (o.ret() != null) {
                lead.append(" RET=").append(o.ret());
            }
            if (o.envid() != null) {
                lead.append(" ENVID=").append(o.envid());
            }
            lead.append("\r\n");
        }
        for (String r : recipients) {
            lead.append("X-Receiver: <").append(r).append('>');
            if (o.notifyOn() != null) {
                lead.append(" NOTIFY=").append(o.notifyOn());
            }
            lead.append("\r\n");
        }
        if (!hasField(header, "from") && sender != null && !sender.isEmpty()) {
            lead.append("From: ").append(o.fullName() == null ? "" : quoted(o.fullName()) + " ").append('<')
                    .append(sender).append(">\r\n");
        }
        return hand(lead.toString().getBytes(StandardCharsets.UTF_8), message);
    }

    /** Writes the file, then waits for the hub to take it. */
    private int hand(byte[] lead, byte[] message) {
        String base = "sendmail-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(randomBytes());
        Path tmp = dir.resolve(base + ".tmp");
        Path eml = dir.resolve(base + ".eml");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(lead);
                out.write(message);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, eml, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            err.println("sendmail: cannot write to the pickup directory " + dir + ": " + e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            return EX_TEMPFAIL;
        }
        return awaitPickup(eml);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    private int awaitPickup(Path eml) {
        String name = eml.getFileName().toString();
        Path reason = dir.resolve(".bad").resolve(name + ".reason");
        long end = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < end) {
                if (!Files.exists(eml)) {
                    return outcome(reason);
                }
                Thread.sleep(100);
            }
            try { // not taken: take it back, so that the caller's retry is the only copy
                Files.move(eml, dir.resolve(name + ".withdrawn"), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                return outcome(reason); // taken just now
            }
            Files.deleteIfExists(dir.resolve(name + ".withdrawn"));
            err.println("sendmail: the hub did not take the message within " + wait.toSeconds() + " s (is it running,"
                    + " and can it queue mail?); try again later");
            return EX_TEMPFAIL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EX_TEMPFAIL;
        } catch (IOException e) {
            err.println("sendmail: " + e);
            return EX_TEMPFAIL;
        }
    }

    /** The file is gone: queued, or refused (the hub writes the reason before it moves the file to .bad/). */
    private int outcome(Path reason) throws IOException {
        if (!Files.exists(reason)) {
            return EX_OK;
        }
        String why = Files.readString(reason, StandardCharsets.UTF_8).strip();
        err.println("sendmail: refused: " + why);
        return why.startsWith("5.7.") ? EX_NOPERM : EX_DATAERR;
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still in the journal's next commit
        }
    }

    /** Standard input up to its end, or (without -i) up to a line that is a single dot. */
    static byte[] read(InputStream in, boolean dotEnds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                if (dotEnds && isDot(line.toByteArray())) {
                    return out.toByteArray();
                }
                line.writeTo(out);
                line.reset();
            }
        }
        if (!(dotEnds && isDot(line.toByteArray()))) {
            line.writeTo(out);
        }
        return out.toByteArray();
    }

    private static boolean isDot(byte[] l) {
        String s = new String(l, StandardCharsets.ISO_8859_1);
        return s.equals(".\n") || s.equals(".\r\n") || s.equals(".");
    }

    /** The header fields of the message, unfolded (up to the first empty line). */
    static List<String> headerFields(byte[] message) {
        List<String> fields = new ArrayList<>();
        String text = new String(message, StandardCharsets.UTF_8);
        for (String l : text.split("\r?\n", -1)) {
            if (l.isEmpty()) {
                break;
            }
            if ((l.startsWith(" ") || l.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + " " + l.strip());
            } else if (l.indexOf(':') > 0) {
                fields.add(l);
            } else {
                break; // not a header field: the body starts here
            }
        }
        return fields;
    }

    private static boolean hasField(List<String> header, String name) {
        return header.stream().anyMatch(f -> f.regionMatches(true, 0, name + ":", 0, name.length() + 1));
    }

    private static List<String> addresses(List<String> header, String... names) throws SyntaxException {
        List<String> list = new ArrayList<>();
        for (String f : header) {
            int colon = f.indexOf(':');
            String name = f.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (List.of(names).contains(name)) {
                try {
                    for (InternetAddress a : InternetAddress.parseHeader(f.substring(colon + 1).strip(), false)) {
                        list.add(mailbox(a.getAddress()));
                    }
                } catch (AddressException e) {
                    throw new SyntaxException("the " + f.substring(0, colon) + " field is not an address list: "
                            + e.getMessage());
                }
            }
        }
        return list;
    }

    private static String mailbox(String text) throws SyntaxException {
        try {
            return SmtpPath.looseMailbox(text).toString();
        } catch (SyntaxException e) {
            throw new SyntaxException("'" + text.strip() + "' is not an address: " + e.getMessage());
        }
    }

    private static String quoted(String name) {
        return name.matches("[A-Za-z0-9 !#$%&'*+/=?^_`{|}~.-]*") ? name
                : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
