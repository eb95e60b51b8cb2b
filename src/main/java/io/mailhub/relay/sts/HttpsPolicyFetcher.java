package io.mailhub.relay.sts;

import io.mailhub.relay.TlsClient;
import io.mailhub.relay.dns.DnsLookups;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} as RFC 8461 section 3.3 says: the host's address
 * from the hub's DNS servers ({@code mailhub.dns.servers}, like the MX lookups), a certificate that chains to the
 * trust anchors and names {@code mta-sts.DOMAIN}, status 200 and nothing else (no redirects), media type
 * {@code text/plain}, at most {@value #MAX_BODY} bytes, each read within the timeout and the whole answer within three
 * times it (a server that drips bytes does not hold a delivery thread for long). A small HTTP/1.1 client of its own:
 * the JDK's HttpClient resolves names only with the system resolver.
 */
public final class HttpsPolicyFetcher implements PolicyFetcher {

    /** The largest policy accepted: the RFC's suggested limit. */
    static final int MAX_BODY = 64 * 1024;
    private static final int MAX_HEAD = 16 * 1024;

    private final DnsLookups dns;
    private final TlsClient tls;
    private final int port;
    private final int timeoutMillis;

    /** @param port 443; tests use another */
    public HttpsPolicyFetcher(DnsLookups dns, TlsClient tls, int port, java.time.Duration timeout) {
        this.dns = dns;
        this.tls = tls;
        this.port = port;
        this.timeoutMillis = (int) timeout.toMillis();
    }

    @Override
    public String fetch(String domain) throws IOException, InterruptedException {
        String host = "mta-sts." + domain;
        List<InetAddress> addresses = dns.addresses(host);
        if (addresses.isEmpty()) {
            throw new IOException(host + " has no address");
        }
        IOException last = null;
        for (InetAddress a : addresses) {
            try {
                return fetch(host, a);
            } catch (PolicyRefused e) {
                throw e; // the server answered: another address of it would answer the same
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The socket's input, each read bounded by what is left of the whole answer's time. */
    private final class Deadline extends java.io.FilterInputStream {
        private final Socket socket;
        private final long deadline;
        /** Whether the read under way may wait only what is left of the whole answer's time. */
        private boolean boundByDeadline;

        Deadline(Socket socket, long deadline) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
        }

        private void bound() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw timedOut(new java.net.SocketTimeoutException());
            }
            boundByDeadline = left < timeoutMillis;
            socket.setSoTimeout((int) Math.min(timeoutMillis, left));
        }

        private IOException timedOut(java.net.SocketTimeoutException e) {
            return boundByDeadline || deadline - System.nanoTime() <= 0 ? new java.net.SocketTimeoutException(
                    "no whole answer within " + 3 * timeoutMillis / 1000 + " s") : e;
        }

        @Override
        public int read() throws IOException {
            bound();
            try {
                return super.read();
            } catch (java.net.SocketTimeoutException e) {
                throw timedOut(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            bound();
            try {
                return super.read(b, off, len);
            } catch (java.net.SocketTimeoutException e) {
                throw timedOut(e);
            }
        }
    }

    /** The server answered, but not with a policy. */
    private static final class PolicyRefused extends IOException {
        PolicyRefused(String message) {
            super(message);
        }
    }

    private String fetch(String host, InetAddress address) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
        } catch (IOException e) {
            plain.close();
            throw new IOException("cannot connect to " + host + "[" + address.getHostAddress() + "]:" + port + ": "
                    + e.getMessage(), e);
        }
        SSLSocket s;
        try {
            s = tls.verified(plain, host); // closes plain when it fails
        } catch (IOException e) {
            throw new IOException("https://" + host + "/.well-known/mta-sts.txt: " + TlsClient.describe(e), e);
        }
        try (s) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Mailhub\r\n"
                    + "Accept: text/plain\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.nanoTime() + 3L * timeoutMillis * 1_000_000;
            return response(host, new java.io.BufferedInputStream(new Deadline(s, deadline)));
        } catch (PolicyRefused e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("https://" + host + "/.well-known/mta-sts.txt: " + e.getMessage(), e);
        }
    }

    static String response(String host, InputStream in) throws IOException {
        String status = line(in);
        if (!status.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
            throw new PolicyRefused(host + " answered '" + status + "', not HTTP");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        String type = null;
        int head = status.length();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            head += h.length();
            if (head > MAX_HEAD) {
                throw new PolicyRefused(host + " sent more than " + MAX_HEAD + " bytes of header fields");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> length = value.matches("\\d{1,18}") ? Long.parseLong(value) : -2;
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> type = value.toLowerCase(Locale.ROOT);
                default -> { }
            }
        }
        if (code != 200) {
            throw new PolicyRefused("https://" + host + "/.well-known/mta-sts.txt answered " + status.substring(9));
        }
        if (type == null || !(type.equals("text/plain") || type.startsWith("text/plain;"))) {
            throw new PolicyRefused("https://" + host + "/.well-known/mta-sts.txt is " + (type == null
                    ? "of no media type" : type) + ", not text/plain");
        }
        if (length == -2 || length > MAX_BODY) {
            throw new PolicyRefused("https://" + host + "/.well-known/mta-sts.txt is larger than " + MAX_BODY
                    + " bytes or of no valid length");
        }
        byte[] body = chunked ? chunked(host, in) : length >= 0 ? exactly(in, (int) length) : toEnd(host, in);
        return new String(body, StandardCharsets.UTF_8);
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] b = in.readNBytes(length);
        if (b.length < length) {
            throw new IOException("connection closed after " + b.length + " of " + length + " bytes");
        }
        return b;
    }

    private static byte[] toEnd(String host, InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new PolicyRefused("https://" + host + "/.well-known/mta-sts.txt is larger than " + MAX_BODY + " bytes");
        }
        return b;
    }

    private static byte[] chunked(String host, InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            String hex = (semicolon >= 0 ? size.substring(0, semicolon) : size).strip();
            if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                throw new IOException("bad chunk size '" + hex + "'");
            }
            int n = Integer.parseInt(hex, 16);
            if (n == 0) {
                return body.toByteArray(); // trailer fields, if any, are not read: the connection closes
            }
            if (body.size() + n > MAX_BODY) {
                throw new PolicyRefused("https://" + host + "/.well-known/mta-sts.txt is larger than " + MAX_BODY
                        + " bytes");
            }
            body.write(exactly(in, n));
            line(in); // the CRLF after the chunk
        }
    }

    /** One line without its CRLF (or LF); ISO-8859-1, as HTTP header fields are. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the middle of the response");
            }
            if (b.length() > MAX_HEAD) {
                throw new IOException("a line longer than " + MAX_HEAD + " bytes");
            }
            b.append((char) c);
        }
        int end = b.length();
        return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
    }
}
