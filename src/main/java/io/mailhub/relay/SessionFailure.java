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
    private final boolean loop;
    private java.net.InetAddress peer;

    /**
     * @param reply the reply to report
     * @param remoteMta the server that answered, {@code null} when none did
     * @param site whether the destination as a whole failed (connect, greeting, EHLO), as opposed to this session
     */
    SessionFailure(SmtpReply reply, String remoteMta, String text, boolean site) {
        this(reply, remoteMta, text, site, false);
    }

    private SessionFailure(SmtpReply reply, String remoteMta, String text, boolean site, boolean policy) {
        this(reply, remoteMta, text, site, policy, false);
    }

    private SessionFailure(SmtpReply reply, String remoteMta, String text, boolean site, boolean policy, boolean loop) {
        super(text + ": " + reply);
        this.reply = reply;
        this.remoteMta = remoteMta;
        this.site = site;
        this.policy = policy;
        this.loop = loop;
    }

    /**
     * The next hop is this hub: the recipients fail at once (Postfix's wording and status), since trying again would
     * only make the message circle until its hop count runs out.
     */
    static SessionFailure loop(Destination d, String remoteMta, String why) {
        SmtpReply reply = SmtpReply.of(554, "5.4.6", "mail for " + d.host() + " loops back to myself");
        return new SessionFailure(reply, remoteMta, "host " + remoteMta + " " + why, false, false, true);
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

    /** Records the address connected to before the failure ({@code null}: none); returns this failure. */
    SessionFailure at(java.net.InetAddress connectedTo) {
        if (connectedTo != null) {
            this.peer = connectedTo;
        }
        return this;
    }

    /** The IP address connected to before the failure, or {@code null} when no TCP connection was made. */
    java.net.InetAddress peer() {
        return peer;
    }

    SmtpReply reply() {
        return reply;
    }

    String remoteMta() {
        return remoteMta;
    }

    /** The next hop is this hub itself: a permanent failure of the message (RFC 3463 X.4.6, routing loop). */
    boolean isLoop() {
        return loop;
    }

    boolean isPolicy() {
        return policy;
    }

    boolean isSite() {
        return site;
    }
}
