package io.mailhub.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends whole messages over one raw session and returns the final reply; used by load-style tests. */
final class SmtpClient implements AutoCloseable {

    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-Z]+)");
    private static final byte[] BLOCK = block();

    private final RawSmtp session;

    SmtpClient(int port) throws IOException {
        session = RawSmtp.ehlo(port);
    }

    /** Sends a small message; returns the reply to the end of data. */
    String send(String from, String to, String subject, String body) throws IOException {
        envelope(from, to);
        return session.command("Subject: " + subject + "\r\nFrom: <" + from + ">\r\n\r\n" + body + "\r\n.");
    }

    /**
     * Sends a message of {@code blocks} × 64 KiB of 78-octet lines, straight to the socket without ever holding it
     * whole; returns the reply to the end of data.
     */
    String sendLarge(String from, String to, String subject, int blocks) throws IOException {
        envelope(from, to);
        session.send("Subject: " + subject + "\r\n\r\n");
        for (int i = 0; i < blocks; i++) {
            session.send(BLOCK);
        }
        return session.command(".");
    }

    private static final String LINE = "0123456789".repeat(8).substring(0, 76);

    /** How many lines {@link #sendLarge} sends for this many blocks. */
    static long largeBodyLines(int blocks) {
        return 840L * blocks;
    }

    static boolean isLargeBodyLine(String line) {
        return line.equals(LINE);
    }

    static String queueId(String reply) {
        Matcher m = QUEUED.matcher(reply);
        return m.find() ? m.group(1) : null;
    }

    private void envelope(String from, String to) throws IOException {
        expect(session.command("MAIL FROM:<" + from + ">"), "250");
        expect(session.command("RCPT TO:<" + to + ">"), "250");
        expect(session.command("DATA"), "354");
    }

    private static void expect(String reply, String code) throws IOException {
        if (!reply.startsWith(code)) {
            throw new IOException("expected " + code + " but got: " + reply);
        }
    }

    private static byte[] block() {
        byte[] line = ("0123456789".repeat(8).substring(0, 76) + "\r\n").getBytes(StandardCharsets.US_ASCII); // LINE
        byte[] block = new byte[line.length * 840]; // 65,520 octets
        for (int i = 0; i < 840; i++) {
            System.arraycopy(line, 0, block, i * line.length, line.length);
        }
        return block;
    }

    @Override
    public void close() throws IOException {
        try {
            session.command("QUIT");
        } finally {
            session.close();
        }
    }
}
