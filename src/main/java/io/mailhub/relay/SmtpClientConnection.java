package io.mailhub.relay;

import io.mailhub.model.SmtpReply;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP client connection to a next hop: greeting and EHLO (HELO as fallback), STARTTLS (RFC 3207) as the
 * {@link TlsPolicy} asks, the server's extensions, and command/reply exchange. It knows nothing about messages;
 * {@link MailTransaction} drives it.
 */
final class SmtpClientConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.delivery");

    private final Destination destination;
    private final TlsPolicy tlsPolicy;
    private final SessionProfile profile;
    private final String remoteMta;
    private final Map<String, String> extensions = new HashMap<>();
    private final long openedAt = System.nanoTime();
    private Socket socket;
    private ReplyReader replies;
    private OutputStream out;
    private final java.net.InetAddress peer;
    private TlsSession tls;
    private int transactions;
    private boolean broken;

    private SmtpClientConnection(Socket socket, Destination destination, SessionProfile profile) throws IOException {
        this.socket = socket;
        this.destination = destination;
        this.profile = profile;
        this.tlsPolicy = profile.tls();
        if (socket.getRemoteSocketAddress() instanceof InetSocketAddress remote) {
            this.peer = remote.getAddress();
            this.remoteMta = destination.host() + "[" + peer.getHostAddress() + "]:" + remote.getPort();
        } else { // a local socket, named as Postfix does: localhost[/run/dovecot/lmtp]
            this.peer = null;
            this.remoteMta = destination.host() + "[" + destination.socket() + "]";
        }
        this.replies = new ReplyReader(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    /**
     * Connects, greets and, unless the policy is {@link TlsPolicy#NONE}, starts TLS when the server offers it. A
     * failure to connect, a non-2xx greeting or EHLO/HELO reply, or TLS that the policy requires but cannot be had,
     * ends in {@link SessionFailure} carrying the reply to report. Under {@link TlsPolicy#MAY} a failed TLS handshake
     * leaves the connection unusable; the connection is then opened once more and used without TLS.
     *
     * @param tls the TLS contexts; unused under {@link TlsPolicy#NONE}
     */
    static SmtpClientConnection open(SmtpTransport transport, Destination destination, Myself myself,
            Timeouts timeouts, TlsPolicy policy, TlsClient tls) throws SessionFailure {
        return open(transport, destination, myself, timeouts, SessionProfile.of(policy), tls);
    }

    /**
     * As {@link #open(SmtpTransport, Destination, String, Timeouts, TlsPolicy, TlsClient)}, then, when the profile
     * has credentials, AUTH (RFC 4954) with PLAIN or LOGIN, only over TLS.
     */
    static SmtpClientConnection open(SmtpTransport transport, Destination destination, Myself myself,
            Timeouts timeouts, SessionProfile profile, TlsClient tls) throws SessionFailure {
        try {
            return connect(transport, destination, myself, timeouts, profile,
                    profile.tls() == TlsPolicy.NONE ? null : tls);
        } catch (PlaintextFallback fallback) {
            LOG.info("{}; trying again without TLS (policy may)", fallback.getMessage());
            try {
                return connect(transport, destination, myself, timeouts, profile, null);
            } catch (PlaintextFallback cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
        }
    }

    /** One connection attempt; STARTTLS only when {@code tls} is given. */
    private static SmtpClientConnection connect(SmtpTransport transport, Destination destination, Myself myself,
            Timeouts timeouts, SessionProfile profile, TlsClient tls) throws SessionFailure, PlaintextFallback {
        Socket socket;
        try {
            socket = transport.connect(destination, (int) timeouts.connect().toMillis());
        } catch (IOException e) {
            throw SessionFailure.connect(destination, e);
        }
        SmtpClientConnection c = null;
        String phase = "greeting";
        try {
            socket.setSoTimeout((int) timeouts.command().toMillis());
            socket.setTcpNoDelay(true);
            c = new SmtpClientConnection(socket, destination, profile);
            if (socket.getRemoteSocketAddress() instanceof InetSocketAddress remote && myself.isAt(remote)) {
                throw SessionFailure.loop(destination, c.remoteMta, "is one of my own listeners");
            }
            SmtpReply greeting = c.replies.read();
            if (!greeting.isPositiveCompletion()) {
                throw new SessionFailure(greeting, c.remoteMta, "host " + c.remoteMta + " refused to talk to me", true);
            }
            // a mailbox server on this machine greets with the machine's name, which is often ours too: over LMTP only
            // our own listeners count as a loop (Postfix' lmtp client does the same)
            if (!profile.lmtp() && myself.isNamedIn(greeting)) {
                throw SessionFailure.loop(destination, c.remoteMta, "greeted me with my own hostname " + myself.name());
            }
            c.ehlo(myself);
            if (tls != null) {
                phase = "starting TLS";
                c.startTls(myself, tls);
            }
            if (profile.auth() != null) {
                phase = "authenticating";
                c.authenticate(profile.auth());
            }
            return c;
        } catch (IOException e) {
            closeQuietly(c == null ? socket : c.socket);
            throw SessionFailure.io(destination, c == null ? null : c.remoteMta, phase, e).at(c == null ? null : c.peer);
        } catch (SessionFailure f) {
            closeQuietly(c == null ? socket : c.socket);
            throw f.at(c == null ? null : c.peer);
        } catch (PlaintextFallback f) {
            closeQuietly(c == null ? socket : c.socket);
            throw f;
        }
    }

    /**
     * STARTTLS, the handshake, and EHLO again over TLS, forgetting the extensions learnt before (RFC 3207 section
     * 4.2). Whatever the server sent after its 220 and before the handshake is discarded with the old reader, so
     * that a man in the middle cannot inject replies that would be read as if they came over TLS.
     */
    private void startTls(Myself myself, TlsClient tls) throws IOException, SessionFailure, PlaintextFallback {
        if (!supports("STARTTLS")) {
            if (tlsPolicy.required()) {
                throw tlsFailure("4.7.4", "TLS is required, but was not offered by host " + remoteMta);
            }
            return;
        }
        SmtpReply reply = command("STARTTLS");
        if (reply.code() != 220) {
            if (tlsPolicy.required()) {
                throw tlsFailure("4.7.5", "TLS is required, but host " + remoteMta + " refused to start TLS: "
                        + reply.toWire().trim());
            }
            LOG.info("host {} refused to start TLS: {}; continuing without TLS", remoteMta, reply.toWire().trim());
            return;
        }
        int unexpected = replies.buffered();
        if (unexpected > 0) {
            LOG.warn("host {} sent {} bytes after its 220 reply to STARTTLS; discarded", remoteMta, unexpected);
        }
        SSLSocket ssl;
        try {
            ssl = tls.handshake(socket, destination.host(), tlsPolicy);
        } catch (IOException e) {
            if (tlsPolicy.required()) {
                throw SessionFailure.policy(SmtpReply.of(421, "4.7.5", "Cannot start TLS with " + remoteMta + ": "
                        + TlsClient.reason(e)), "TLS failed");
            }
            throw new PlaintextFallback("Cannot start TLS with " + remoteMta + ": " + TlsClient.reason(e));
        }
        socket = ssl;
        replies = new ReplyReader(ssl.getInputStream());
        out = new BufferedOutputStream(ssl.getOutputStream(), 65536);
        extensions.clear();
        TlsClient.Trust trust = tls.trust(ssl.getSession(), tlsPolicy);
        this.tls = new TlsSession(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite(),
                trust == TlsClient.Trust.VERIFIED);
        LOG.info("{} TLS connection established to {}: {}", trust.word, remoteMta, this.tls);
        ehlo(myself);
    }

    /**
     * AUTH PLAIN, or LOGIN when the server offers only that (RFC 4954). Credentials are never sent without TLS. Any
     * failure defers the recipients (like Postfix's "SASL authentication failed") without marking the host dead, since
     * other identities may still use it; the password never appears in a log line or reply text.
     */
    private void authenticate(Credentials auth) throws IOException, SessionFailure {
        if (tls == null) {
            throw authFailure("4.7.0", "credentials for " + remoteMta + " are never sent without TLS; "
                    + (supports("STARTTLS") ? "TLS could not be started" : "STARTTLS was not offered"));
        }
        String offered = extensions.get("AUTH");
        if (offered == null) {
            throw authFailure("4.7.0", "host " + remoteMta + " does not offer AUTH");
        }
        java.util.Set<String> mechanisms = new java.util.HashSet<>(
                java.util.Arrays.asList(offered.toUpperCase(Locale.ROOT).split("\\s+")));
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        SmtpReply reply;
        if (mechanisms.contains("PLAIN")) {
            byte[] plain = ("\0" + auth.user() + "\0" + auth.password()).getBytes(StandardCharsets.UTF_8);
            reply = command("AUTH PLAIN " + b64.encodeToString(plain));
        } else if (mechanisms.contains("LOGIN")) {
            reply = command("AUTH LOGIN");
            if (reply.code() == 334) {
                reply = command(b64.encodeToString(auth.user().getBytes(StandardCharsets.UTF_8)));
            }
            if (reply.code() == 334) {
                reply = command(b64.encodeToString(auth.password().getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            throw authFailure("4.7.0", "host " + remoteMta + " offers no AUTH mechanism this client has (PLAIN, LOGIN): "
                    + offered);
        }
        if (reply.code() != 235) {
            throw authFailure("4.7.0", "authentication as " + auth.user() + " failed; host " + remoteMta + " said: "
                    + reply.toWire().trim());
        }
        LOG.info("authenticated to {} as {}", remoteMta, auth.user());
    }

    private SessionFailure authFailure(String status, String text) {
        quit();
        return new SessionFailure(SmtpReply.of(421, status, text), null, "AUTH", false);
    }

    /** A TLS policy violation found while the plaintext session is still sound: says QUIT, then reports. */
    private SessionFailure tlsFailure(String status, String text) {
        quit();
        return SessionFailure.policy(SmtpReply.of(421, status, text), "TLS policy " + tlsPolicy.text());
    }

    private void ehlo(Myself myself) throws IOException, SessionFailure {
        String hello = profile.lmtp() ? "LHLO" : "EHLO";
        SmtpReply reply = command(hello + " " + myself.name());
        if (reply.isPositiveCompletion() && !profile.lmtp() && myself.isNamedIn(reply)) {
            quit();
            throw SessionFailure.loop(destination, remoteMta, "replied to " + hello + " with my own hostname "
                    + myself.name());
        }
        if (reply.isPositiveCompletion()) {
            for (int i = 1; i < reply.lines().size(); i++) {
                String line = reply.lines().get(i).trim();
                int space = line.indexOf(' ');
                String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
                extensions.put(keyword, space < 0 ? "" : line.substring(space + 1).trim());
            }
            return;
        }
        if (reply.code() == 421 || profile.lmtp()) { // LMTP has no HELO to fall back to
            throw new SessionFailure(reply, remoteMta, hello + " refused", true);
        }
        SmtpReply helo = command("HELO " + myself.name());
        if (!helo.isPositiveCompletion()) {
            throw new SessionFailure(helo, remoteMta, "HELO refused", true);
        }
    }

    /** Whether this connection speaks LMTP (one reply per accepted recipient after the content). */
    boolean lmtp() {
        return profile.lmtp();
    }

    SmtpReply command(String line) throws IOException {
        write(line);
        out.flush();
        return replies.read();
    }

    void write(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    SmtpReply readReply() throws IOException {
        return replies.read();
    }

    OutputStream output() {
        return out;
    }

    void setTimeout(long millis) throws IOException {
        socket.setSoTimeout((int) millis);
    }

    boolean supports(String extension) {
        return extensions.containsKey(extension);
    }

    /** The server's SIZE limit, or 0 when it announced none. */
    long sizeLimit() {
        String v = extensions.get("SIZE");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    String remoteMta() {
        return remoteMta;
    }

    /** The policy this connection was opened under. */
    TlsPolicy tlsPolicy() {
        return tlsPolicy;
    }

    /** TLS policy and AUTH identity; a pooled connection is reused only under an equal profile. */
    SessionProfile profile() {
        return profile;
    }

    /** Protocol and cipher, e.g. {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384}, or {@code null} in plaintext. */
    String tlsDescription() {
        return tls == null ? null : tls.toString();
    }

    /** The session's TLS, or {@code null} in plaintext. */
    TlsSession tls() {
        return tls;
    }

    /** The IP address connected to. */
    java.net.InetAddress peer() {
        return peer;
    }

    Destination destination() {
        return destination;
    }

    void transactionDone() {
        transactions++;
    }

    int transactions() {
        return transactions;
    }

    long ageNanos() {
        return System.nanoTime() - openedAt;
    }

    void markBroken() {
        broken = true;
    }

    boolean isBroken() {
        return broken || socket.isClosed();
    }

    /** Sends QUIT without waiting long for the answer, then closes. */
    void quit() {
        try {
            if (!isBroken()) {
                socket.setSoTimeout(2000);
                command("QUIT");
            }
        } catch (IOException e) {
            // the server may already have gone; closing is all that is left
        } finally {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do about a failing close
        }
    }

    /** A TLS handshake failed under {@link TlsPolicy#MAY}: the caller connects again without TLS. */
    private static final class PlaintextFallback extends Exception {

        private static final long serialVersionUID = 1L;

        PlaintextFallback(String message) {
            super(message);
        }
    }
}
