package io.mailhub.ingress.smtp;

import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.model.SmtpReply;

/**
 * The fixed replies of the SMTP listener, in one place so their codes can be reviewed together. Wording follows
 * Postfix where a client or operator may already know it; the enhanced status codes follow RFC 3463 and the IANA
 * registry (RFC 5248).
 */
final class SmtpReplies {

    static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "Ok");
    static final SmtpReply SENDER_OK = SmtpReply.of(250, "2.1.0", "Ok");
    static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, "2.1.5", "Ok");
    static final SmtpReply START_DATA = SmtpReply.withoutStatus(354, java.util.List.of("End data with <CR><LF>.<CR><LF>"));
    static final SmtpReply BYE = SmtpReply.of(221, "2.0.0", "Bye");
    static final SmtpReply VRFY = SmtpReply.of(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");

    static final SmtpReply LINE_TOO_LONG_COMMAND = SmtpReply.of(500, "5.5.2", "Error: command line too long");
    static final SmtpReply BARE_LF_COMMAND = SmtpReply.of(500, "5.5.2", "Error: bare <LF> received, lines must end in <CR><LF>");
    static final SmtpReply BARE_CR_COMMAND = SmtpReply.of(500, "5.5.2", "Error: bare <CR> received, lines must end in <CR><LF>");
    static final SmtpReply UNKNOWN_COMMAND = SmtpReply.of(500, "5.5.1", "Error: command not recognized");
    static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, "5.5.1", "Error: command not implemented");
    static final SmtpReply HELO_FIRST = SmtpReply.of(503, "5.5.1", "Error: send HELO/EHLO first");
    static final SmtpReply NESTED_MAIL = SmtpReply.of(503, "5.5.1", "Error: nested MAIL command");
    static final SmtpReply NEED_MAIL = SmtpReply.of(503, "5.5.1", "Error: need MAIL command");
    static final SmtpReply NEED_RCPT = SmtpReply.of(503, "5.5.1", "Error: need RCPT command");
    static final SmtpReply NO_VALID_RECIPIENTS = SmtpReply.of(554, "5.5.1", "Error: no valid recipients");
    static final SmtpReply DATA_AFTER_BDAT = SmtpReply.of(503, "5.5.1", "Error: DATA not allowed after BDAT");
    static final SmtpReply PARAMETERS_NEED_EHLO = SmtpReply.of(555, "5.5.4", "Error: parameters need EHLO");
    static final SmtpReply BAD_SENDER = SmtpReply.of(501, "5.1.7", "Bad sender address syntax");
    static final SmtpReply BAD_RECIPIENT = SmtpReply.of(501, "5.1.3", "Bad recipient address syntax");
    static final SmtpReply NON_ASCII_ADDRESS = SmtpReply.of(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, "4.5.3", "Error: too many recipients");
    static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, "4.7.0", "Error: too many errors, closing connection");

    static final SmtpReply TLS_ALREADY_ACTIVE = SmtpReply.of(503, "5.5.1", "Error: TLS already active");
    static final SmtpReply TRANSACTION_IN_PROGRESS = SmtpReply.of(503, "5.5.1", "Error: MAIL transaction in progress");
    static final SmtpReply EHLO_FIRST = SmtpReply.of(503, "5.5.1", "Error: send EHLO first");
    static final SmtpReply AUTH_NOT_ENABLED = SmtpReply.of(503, "5.5.1", "Error: authentication not enabled");
    static final SmtpReply ALREADY_AUTHENTICATED = SmtpReply.of(503, "5.5.1", "Error: already authenticated");
    static final SmtpReply UNSUPPORTED_MECHANISM = SmtpReply.of(504, "5.5.4", "Unrecognized authentication type");
    static final SmtpReply MALFORMED_AUTH = SmtpReply.of(501, "5.5.2", "Error: malformed authentication response");
    static final SmtpReply AUTH_ABORTED = SmtpReply.of(501, "5.7.0", "Authentication aborted");
    static final SmtpReply AUTH_OK = SmtpReply.of(235, "2.7.0", "Authentication successful");
    static final SmtpReply AUTH_FAILED = SmtpReply.of(535, "5.7.8", "Error: authentication failed");
    static final SmtpReply AUTH_TEMPORARY_FAILURE = SmtpReply.of(454, "4.7.0", "Temporary authentication failure");
    static final SmtpReply AUTH_REQUIRED = SmtpReply.of(530, "5.7.0", "Authentication required");
    static final SmtpReply STARTTLS_FIRST = SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first");
    static final SmtpReply ENCRYPTION_REQUIRED =
            SmtpReply.of(538, "5.7.11", "Encryption required for requested authentication mechanism");
    static final SmtpReply LOCKED_OUT =
            SmtpReply.of(421, "4.7.0", "Error: too many failed logins from your address, try again later");

    static final SmtpReply MESSAGE_TOO_BIG = SmtpReply.of(552, "5.3.4", "Error: message size exceeds fixed limit");
    static final SmtpReply LINE_TOO_LONG = SmtpReply.of(552, "5.3.4", "Error: message line exceeds the per-line limit");
    static final SmtpReply BARE_LF = SmtpReply.of(550, "5.5.2", "Error: bare <LF> received, message refused");
    static final SmtpReply BARE_CR = SmtpReply.of(550, "5.5.2", "Error: bare <CR> received, message refused");
    static final SmtpReply NUL_IN_CONTENT = SmtpReply.of(550, "5.6.0", "Error: NUL octet in message content, message refused");

    static final SmtpReply INSUFFICIENT_STORAGE = MailAcceptance.INSUFFICIENT_STORAGE;
    static final SmtpReply QUEUE_UNAVAILABLE = MailAcceptance.QUEUE_UNAVAILABLE;

    private SmtpReplies() {}

    static SmtpReply syntax(String usage) {
        return SmtpReply.of(501, "5.5.4", "Syntax: " + usage);
    }

    static SmtpReply badParameter(String what) {
        return SmtpReply.of(501, "5.5.4", "Error: " + what);
    }

    static SmtpReply unsupportedParameter(String keyword) {
        return SmtpReply.of(555, "5.5.4", "Error: unsupported parameter " + keyword);
    }

    /**
     * A command line that is not valid UTF-8: for MAIL and RCPT the address cannot be taken as given (RFC 6531 section
     * 3.7.4 asks for 553 5.6.7 where an address cannot be used), for any other command it is a syntax error. Never
     * is an octet replaced, which would make an address the client never gave.
     */
    static SmtpReply badUtf8(String verb) {
        return verb.equals("MAIL") || verb.equals("RCPT")
                ? SmtpReply.of(553, "5.6.7", "Error: the address is not valid UTF-8")
                : SmtpReply.of(500, "5.5.2", "Error: the command is not valid UTF-8");
    }

    static SmtpReply chunkReceived(long octets) {
        return SmtpReply.of(250, "2.0.0", "Ok: " + octets + " octets received");
    }

    static SmtpReply idleTimeout(String hostname) {
        return SmtpReply.of(421, "4.4.2", hostname + " Error: timeout exceeded, closing connection");
    }

    static SmtpReply tooManyConnections(String hostname) {
        return SmtpReply.of(421, "4.7.0", hostname + " Error: too many connections, try again later");
    }

    static SmtpReply tooManyConnectionsFrom(String hostname, String client) {
        return SmtpReply.of(421, "4.7.0", hostname + " Error: too many connections from [" + client + "]");
    }

    /** A new session while mail cannot be stored (broker unavailable, disk low): RFC 3463 4.3.2, try later. */
    static SmtpReply notReady(String hostname, io.mailhub.queue.MailQueue.Readiness readiness) {
        return SmtpReply.of(421, "4.3.2", hostname + " Service not available, "
                + (readiness == io.mailhub.queue.MailQueue.Readiness.NO_ROOM ? "insufficient system storage"
                        : "mail queue unavailable") + "; try again later");
    }

    static SmtpReply shuttingDown(String hostname) {
        return SmtpReply.of(421, "4.3.2", hostname + " Service shutting down, try again later");
    }
}
