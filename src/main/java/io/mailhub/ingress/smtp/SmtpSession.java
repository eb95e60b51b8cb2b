package io.mailhub.ingress.smtp;

import io.mailhub.auth.User;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.model.Ascii;
import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import io.mailhub.policy.SessionFacts;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP server session (RFC 5321): greeting, command loop, replies. Runs on its own thread; reads block on the
 * socket with the idle timeout. Replies are buffered and flushed when no pipelined input is waiting (RFC 2920).
 *
 * <p>It is longer than our usual class because it owns the connection: STARTTLS and implicit TLS replace its socket
 * and streams in place, and AUTH exchanges challenges on them. What happens to a finished message is
 * {@link MessageAcceptance}; each command is its own class.
 */
final class SmtpSession implements SessionFacts, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    /** RFC 5321 section 4.5.3.1.4: 512 octets per command line including CRLF. */
    static final int COMMAND_LINE_LIMIT = 512;
    /** MAIL may be longer by 100 (RFC 3461 RET/ENVID), 26 (RFC 1870 SIZE) and 500 (RFC 4954 AUTH=) octets. */
    static final int MAIL_LINE_LIMIT = COMMAND_LINE_LIMIT + 100 + 26 + 500;
    /** RCPT may be longer by 500 octets (RFC 3461 NOTIFY/ORCPT). */
    static final int RCPT_LINE_LIMIT = COMMAND_LINE_LIMIT + 500;

    private final SmtpServer server;
    private final SmtpSettings settings;
    private final Socket plain;
    private volatile Socket socket; // the plain socket, or the TLS socket over it
    private SSLSocket tlsSocket;
    private final InetSocketAddress remote;
    private SmtpInput in;
    private OutputStream out;
    private final byte[] dataBuffer = new byte[16384];

    private String helo;
    private boolean esmtp;
    private User user;
    private Transaction transaction;
    private int errors;
    private boolean closing;
    private volatile boolean idle;
    private volatile WatchedOutput watched;
    private volatile boolean writeStalled;

    SmtpSession(SmtpServer server, Socket socket) {
        this.server = server;
        this.settings = server.settings();
        this.plain = socket;
        this.socket = socket;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public void run() {
        // The socket is closed last, in finally: a try-with-resources would close it before the catch blocks below
        // could send their 421.
        try {
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            LOG.debug("connect from [{}]:{} to {}", clientAddress().getHostAddress(), remote.getPort(),
                    settings.role().label());
            if (settings.role().implicitTls() && !handshake()) {
                return;
            }
            openStreams();
            if (greet()) {
                commandLoop();
            }
        } catch (SocketTimeoutException e) {
            LOG.info("timeout after {} from [{}] ({})", lastPhase(), clientAddress().getHostAddress(), e.getMessage());
            tryReply(SmtpReplies.idleTimeout(settings.hostname()));
        } catch (EOFException e) {
            LOG.info("lost connection after {} from [{}]: {}", lastPhase(), clientAddress().getHostAddress(), e.getMessage());
        } catch (IOException e) {
            if (writeStalled) {
                LOG.info("timeout sending to [{}] after {}: the client stopped reading for {}",
                        clientAddress().getHostAddress(), lastPhase(), settings.idleTimeout());
            } else if (!server.isStopping()) {
                LOG.info("connection error from [{}]: {}", clientAddress().getHostAddress(), e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("session with [{}] failed", clientAddress().getHostAddress(), e);
            tryReply(SmtpReplies.QUEUE_UNAVAILABLE);
        } finally {
            if (transaction != null) {
                transaction.discard();
            }
            closeQuietly();
            server.sessionEnded(this);
            LOG.debug("disconnect from [{}]", clientAddress().getHostAddress());
        }
    }

    /** Reader and writer on the current socket (again after TLS starts); every write is watched for stalls. */
    private void openStreams() throws IOException {
        watched = new WatchedOutput(socket.getOutputStream());
        out = new BufferedOutputStream(watched, 8192);
        in = new SmtpInput(socket.getInputStream(), 16384, socket::setSoTimeout, this::flush, settings.idleTimeout(),
                settings.minDataRate());
    }

    /**
     * Called about once a second by the listener's watchdog: a write that has not finished within the idle timeout
     * (a client that sends but never reads, until the socket buffers fill) ends the session, as a blocking socket
     * write has no timeout of its own. Returns whether it ended the session.
     */
    boolean endIfWriteStalled(long now) {
        WatchedOutput w = watched;
        if (w == null || !w.isStalled(now, settings.idleTimeout().toNanos())) {
            return false;
        }
        writeStalled = true;
        forceClose();
        return true;
    }

    private void closeQuietly() {
        try {
            socket.close(); // with TLS: close_notify, then the plain socket
        } catch (IOException e) {
            LOG.debug("closing the session socket: {}", e.toString());
        }
        try {
            plain.close();
        } catch (IOException e) {
            LOG.debug("closing the plain socket: {}", e.toString());
        }
    }

    private boolean greet() throws IOException {
        if (lockedOut()) {
            reply(refuseLockedOut());
            flush();
            return false;
        }
        io.mailhub.queue.MailQueue.Readiness ready = server.acceptance().readiness(0);
        if (ready != io.mailhub.queue.MailQueue.Readiness.READY) { // not ready: no session that could only fail
            SmtpReply notReady = SmtpReplies.notReady(settings.hostname(), ready);
            LOG.warn("refused connection from [{}]: {}", clientAddress().getHostAddress(), notReady);
            reply(notReady);
            flush();
            return false;
        }
        HookResult r = server.policy().connect(this);
        if (!r.isReject() && server.connectCheck() != null) {
            r = server.connectCheck().connect(this);
        }
        if (r.isReject()) {
            LOG.info("NOQUEUE: reject: CONNECT from [{}]: {}", clientAddress().getHostAddress(), r.reply());
            reply(r.reply());
            flush();
            return false;
        }
        reply(SmtpReply.withoutStatus(220, java.util.List.of(settings.hostname() + " ESMTP Mailhub")));
        return true;
    }

    private void commandLoop() throws IOException {
        while (!closing) {
            in.expectCommand(); // pending replies are flushed by the input before it waits for the client
            idle = true; // written before reading 'stopping', as stop() writes 'stopping' before reading 'idle'
            if (server.isStopping() && !in.hasBuffered()) {
                reply(SmtpReplies.shuttingDown(settings.hostname()));
                break;
            }
            SmtpInput.Line line = in.readLine(MAIL_LINE_LIMIT);
            idle = false;
            if (line == null) {
                if (server.isStopping()) {
                    reply(SmtpReplies.shuttingDown(settings.hostname()));
                }
                break; // client closed without QUIT, or shutdown interrupted the wait
            }
            SmtpReply reply = switch (line.problem()) {
                case TOO_LONG -> SmtpReplies.LINE_TOO_LONG_COMMAND;
                case BARE_LF -> SmtpReplies.BARE_LF_COMMAND;
                case BARE_CR -> SmtpReplies.BARE_CR_COMMAND;
                case BAD_UTF8 -> SmtpReplies.badUtf8(verb(line.text()));
                case NONE -> dispatch(line.text());
            };
            if (reply == null) {
                continue; // STARTTLS: the client speaks first over TLS
            }
            reply(reply);
            if (isProtocolError(reply) && ++errors >= settings.errorLimit()) {
                reply(SmtpReplies.TOO_MANY_ERRORS);
                LOG.info("too many errors from [{}], disconnecting", clientAddress().getHostAddress());
                break;
            }
        }
        flush();
    }

    private static String verb(String text) {
        int space = text.indexOf(' ');
        return Ascii.toUpperCase(space < 0 ? text : text.substring(0, space));
    }

    private SmtpReply dispatch(String text) throws IOException {
        int space = text.indexOf(' ');
        String verb = verb(text);
        String argument = space < 0 ? "" : text.substring(space + 1);
        int length = text.getBytes(StandardCharsets.UTF_8).length + 2;
        int limit = switch (verb) {
            case "MAIL" -> MAIL_LINE_LIMIT;
            case "RCPT" -> RCPT_LINE_LIMIT;
            default -> COMMAND_LINE_LIMIT;
        };
        if (length > limit) {
            return SmtpReplies.LINE_TOO_LONG_COMMAND;
        }
        SmtpCommand command = SmtpCommands.get(verb);
        if (command == null) {
            return SmtpReplies.UNKNOWN_COMMAND;
        }
        return command.execute(this, argument);
    }

    private static boolean isProtocolError(SmtpReply r) {
        int c = r.code();
        return c == 500 || c == 501 || c == 502 || c == 503 || c == 555;
    }

    // ---- used by commands ----

    SmtpSettings settings() {
        return settings;
    }

    SmtpServer server() {
        return server;
    }

    SmtpInput input() {
        return in;
    }

    byte[] dataBuffer() {
        return dataBuffer;
    }

    void reply(SmtpReply reply) throws IOException {
        server.meters().replied(reply);
        out.write(reply.toWire().getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Sends an intermediate reply (354) and flushes unless the client already sent more (it should not have). */
    void replyNow(SmtpReply reply) throws IOException {
        reply(reply);
        if (!in.hasBuffered()) {
            flush();
        }
    }

    ListenerSecurity security() {
        return server.security();
    }

    /**
     * STARTTLS after its checks: sends {@code ready}, drops whatever plaintext the client already pipelined, runs the
     * handshake and forgets the EHLO name. A failed handshake ends the session.
     */
    void startTls(SmtpReply ready) throws IOException {
        reply(ready);
        flush();
        int injected = in.buffered();
        if (injected > 0) {
            LOG.warn("discarding {} octet(s) of plaintext pipelined after STARTTLS by [{}] (command injection attempt"
                    + " or broken client)", injected, clientAddress().getHostAddress());
        }
        in.discardBuffered();
        if (!handshake()) {
            close();
            return;
        }
        openStreams();
        resetTransaction();
        helo = null;
        esmtp = false;
    }

    /** Runs the TLS handshake on the current socket; logs and returns {@code false} when it fails. */
    private boolean handshake() throws IOException {
        try {
            tlsSocket = security().tls().handshake(socket);
            socket = tlsSocket;
            server.meters().tls(tlsSocket.getSession().getProtocol());
            LOG.debug("TLS with [{}]: {} {}", clientAddress().getHostAddress(), tlsSocket.getSession().getProtocol(),
                    tlsSocket.getSession().getCipherSuite());
            return true;
        } catch (SSLException e) {
            LOG.info("TLS handshake with [{}] failed: {}", clientAddress().getHostAddress(), e.getMessage());
            return false;
        }
    }

    /** Sends {@code prompt} (a 334 challenge) and reads the client's answer line; {@code null} for an unusable line. */
    String challenge(SmtpReply prompt, int limit) throws IOException {
        reply(prompt);
        flush();
        in.expectCommand();
        SmtpInput.Line line = in.readLine(limit);
        if (line == null) {
            throw new EOFException("connection closed during AUTH");
        }
        return line.problem() == SmtpInput.Problem.NONE ? line.text() : null;
    }

    void authenticated(User u, String mechanism) {
        this.user = u;
        LOG.info("client=[{}], sasl_method={}, sasl_username={}", clientAddress().getHostAddress(), mechanism, u.name());
    }

    void logAuth(String what, String mechanism, String name, String detail) {
        LOG.warn("[{}]: SASL {} {}: user={}{}", clientAddress().getHostAddress(), mechanism, what, printable(name),
                detail == null ? "" : " (" + detail + ")");
    }

    boolean lockedOut() {
        return security().failures() != null && security().failures().isLocked(clientAddress());
    }

    /** The reply for a locked-out client, given after the lockout delay; the session ends after it. */
    SmtpReply refuseLockedOut() throws IOException {
        LOG.warn("[{}] is locked out after too many failed logins; refusing after {}", clientAddress().getHostAddress(),
                security().lockoutDelay());
        flush();
        try {
            Thread.sleep(security().lockoutDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        return SmtpReplies.LOCKED_OUT;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c == 127 ? '?' : c);
        }
        return sb.toString();
    }

    void greeted(String name, boolean extended) {
        resetTransaction();
        this.helo = name;
        this.esmtp = extended;
    }

    boolean isExtended() {
        return esmtp;
    }

    Transaction transaction() {
        return transaction;
    }

    void begin(Transaction t) {
        this.transaction = t;
    }

    void resetTransaction() {
        if (transaction != null) {
            transaction.discard();
            transaction = null;
        }
    }

    void close() {
        closing = true;
    }

    /**
     * Ends a received message: checks, runs the data hooks, adds trace headers and stores it ({@link MessageAcceptance}).
     * Always ends the transaction.
     */
    SmtpReply finishMessage(IncomingMessage message) throws IOException {
        Transaction t = transaction;
        transaction = null;
        MessageContent content = message.finish();
        if (content == null) {
            LOG.info("NOQUEUE: reject: END-OF-MESSAGE from [{}]: {}; from={} size={}",
                    clientAddress().getHostAddress(), message.problem(), senderPath(t), message.size());
            return message.problem();
        }
        return MessageAcceptance.accept(this, server, t, message, content);
    }

    /** The trace of this session for the Received header. */
    SessionTrace trace() {
        return new SessionTrace(helo, clientAddress().getHostAddress(), esmtp,
                tlsSocket == null ? null : tlsSocket.getSession().getProtocol(),
                tlsSocket == null ? null : tlsSocket.getSession().getCipherSuite(), authUser());
    }

    /** The logged-in user, or {@code null}. */
    User user() {
        return user;
    }

    void logReject(String phase, SmtpReply reply, String detail) {
        LOG.info("NOQUEUE: reject: {} from [{}]: {}; {} helo={}", phase, clientAddress().getHostAddress(), reply, detail,
                helo);
    }

    private static String senderPath(Transaction t) {
        return t.sender == null ? "<>" : "<" + t.sender + ">";
    }

    private String lastPhase() {
        if (transaction == null) {
            return helo == null ? "CONNECT" : "EHLO";
        }
        return transaction.recipients.isEmpty() ? "MAIL" : "RCPT";
    }

    private void tryReply(SmtpReply reply) {
        try {
            if (out != null && !socket.isClosed()) {
                reply(reply);
                flush();
            }
        } catch (IOException ignored) {
            // the client is gone; nothing more to tell it
        }
    }

    /** Stops waiting for the next command: called on shutdown for sessions that are between commands. */
    void interruptIfIdle() {
        if (idle) {
            try {
                plain.shutdownInput();
            } catch (IOException e) {
                LOG.debug("cannot shut down input of [{}]: {}", clientAddress().getHostAddress(), e.toString());
            }
        }
    }

    void forceClose() {
        try {
            plain.close();
        } catch (IOException e) {
            LOG.debug("cannot close session with [{}]: {}", clientAddress().getHostAddress(), e.toString());
        }
    }

    // ---- SessionFacts ----

    @Override
    public InetAddress clientAddress() {
        return remote.getAddress();
    }

    @Override
    public String helo() {
        return helo;
    }

    @Override
    public String authUser() {
        return user == null ? null : user.name();
    }

    @Override
    public String doorLabel() {
        return settings.role().label();
    }

    @Override
    public boolean tls() {
        return tlsSocket != null;
    }
}
