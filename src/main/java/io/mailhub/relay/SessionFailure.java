package io.mailhub.relay;

import io.mailhub.model.SmtpReply;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * The session with a next hop failed before or outside a transaction: no recipient was accepted. Carries the reply to
 * report for every recipient, either the server's or one describing the local failure.
 */
final class SessionFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient SmtpReply reply;
    private final String remoteMta;
    private final boolean site;
    private final boolean policy;

    /**
     * @param reply the reply to report
     * @param remoteMta the server that answered, {@code null} when none did
     * @param site whether the destination as a whole failed (connect, greeting, EHLO), as opposed to this session
     */
    SessionFailure(SmtpReply reply, String remoteMta, String text, boolean site) {
        this(reply, remoteMta, text, site, false);
    }

    private SessionFailure(SmtpReply reply, String remoteMta, String text, boolean site, boolean policy) {
        super(text + ": " + reply);
        this.reply = reply;
        this.remoteMta = remoteMta;
        this.site = site;
        this.policy = policy;
    }

    /** The host cannot meet the delivery's TLS policy; it is not to blame for other deliveries. */
    static SessionFailure policy(SmtpReply reply, String text) {
        return new SessionFailure(reply, null, text, false, true);
    }

    static SessionFailure connect(Destination d, IOException e) {
        String why = e instanceof UnknownHostException ? "Host not found"
                : e instanceof SocketTimeoutException ? "Connection timed out"
                : e instanceof ConnectException || e instanceof NoRouteToHostException ? e.getMessage()
                : e.toString();
        String status = e instanceof UnknownHostException ? "4.4.4" : e instanceof SocketTimeoutException ? "4.4.2" : "4.4.1";
        SmtpReply reply = SmtpReply.of(421, status, "connect to " + d + ": " + why);
        return new SessionFailure(reply, null, "cannot connect", true);
    }

    static SessionFailure io(Destination d, String remoteMta, String phase, IOException e) {
        String who = remoteMta != null ? remoteMta : d.toString();
        String text = (e instanceof SocketTimeoutException ? "conversation with " + who + " timed out"
                : "lost connection with " + who) + " while " + phase;
        return new SessionFailure(SmtpReply.of(421, "4.4.2", text), null, text, true);
    }

    SmtpReply reply() {
        return reply;
    }

    String remoteMta() {
        return remoteMta;
    }

    boolean isPolicy() {
        return policy;
    }

    boolean isSite() {
        return site;
    }
}
