package io.mailhub.ingress.smtp;

import io.mailhub.auth.User;
import io.mailhub.model.SmtpReply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, only over TLS. Unknown names and wrong passwords get the same
 * 535 5.7.8 after the same amount of work; failures count towards the client address' lockout.
 */
final class AuthCommand implements SmtpCommand {

    /** RFC 4954 section 4: a client response line may be up to 12288 octets. */
    static final int RESPONSE_LIMIT = 12288;
    private static final SmtpReply USERNAME = SmtpReply.withoutStatus(334, List.of("VXNlcm5hbWU6")); // "Username:"
    private static final SmtpReply PASSWORD = SmtpReply.withoutStatus(334, List.of("UGFzc3dvcmQ6")); // "Password:"
    private static final SmtpReply EMPTY_CHALLENGE = SmtpReply.withoutStatus(334, List.of(""));

    /** Thrown inside the exchange when the client's answer ends it early. */
    private static final class Ended extends Exception {
        final transient SmtpReply reply;

        Ended(SmtpReply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    @Override
    public SmtpReply execute(SmtpSession session, String argument) throws IOException {
        if (session.security().authenticator() == null) {
            return SmtpReplies.AUTH_NOT_ENABLED;
        }
        if (session.helo() == null || !session.isExtended()) {
            return SmtpReplies.EHLO_FIRST;
        }
        if (session.authUser() != null) {
            return SmtpReplies.ALREADY_AUTHENTICATED;
        }
        if (session.transaction() != null) {
            return SmtpReplies.TRANSACTION_IN_PROGRESS;
        }
        if (!session.tls()) {
            return SmtpReplies.ENCRYPTION_REQUIRED;
        }
        if (session.lockedOut()) {
            return session.refuseLockedOut();
        }
        String[] parts = argument.strip().split(" ", -1);
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        if (mechanism.isEmpty() || parts.length > 2) {
            return SmtpReplies.syntax("AUTH mechanism [initial-response]");
        }
        String initial = parts.length == 2 ? parts[1] : null;
        byte[][] credentials;
        try {
            credentials = switch (mechanism) {
                case "PLAIN" -> plain(session, initial);
                case "LOGIN" -> login(session, initial);
                default -> throw new Ended(SmtpReplies.UNSUPPORTED_MECHANISM);
            };
        } catch (Ended e) {
            return e.reply;
        }
        try {
            return check(session, mechanism, credentials);
        } finally {
            for (byte[] b : credentials) {
                Arrays.fill(b, (byte) 0);
            }
        }
    }

    private static SmtpReply check(SmtpSession session, String mechanism, byte[][] credentials) throws IOException {
        String name;
        char[] password;
        try {
            name = utf8(credentials[0]).toString();
            password = utf8Chars(credentials[1]);
        } catch (CharacterCodingException e) {
            return failed(session, mechanism, "(not UTF-8)");
        }
        User user;
        try {
            user = session.security().authenticator().authenticate(name, password);
        } catch (IllegalStateException e) {
            session.logAuth("temporary failure", mechanism, name, e.getMessage());
            return SmtpReplies.AUTH_TEMPORARY_FAILURE;
        } finally {
            Arrays.fill(password, '\0');
        }
        if (user == null) {
            return failed(session, mechanism, name);
        }
        session.authenticated(user, mechanism);
        return SmtpReplies.AUTH_OK;
    }

    private static SmtpReply failed(SmtpSession session, String mechanism, String name) throws IOException {
        session.logAuth("authentication failed", mechanism, name, null);
        session.server().meters().authFailed();
        if (session.security().failures() != null && session.security().failures().failed(session.clientAddress())) {
            return session.refuseLockedOut();
        }
        return SmtpReplies.AUTH_FAILED;
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd. An authorization identity other than the login is not supported. */
    private static byte[][] plain(SmtpSession session, String initial) throws IOException, Ended {
        byte[] message = initial != null ? decode(initial) : decode(session.challenge(EMPTY_CHALLENGE, RESPONSE_LIMIT));
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (second < 0 || indexOf(message, second + 1) >= 0) {
            throw new Ended(SmtpReplies.MALFORMED_AUTH);
        }
        byte[] authzid = Arrays.copyOfRange(message, 0, first);
        byte[] authcid = Arrays.copyOfRange(message, first + 1, second);
        byte[] password = Arrays.copyOfRange(message, second + 1, message.length);
        Arrays.fill(message, (byte) 0);
        if (authzid.length > 0 && !Arrays.equals(authzid, authcid)) {
            Arrays.fill(authcid, (byte) 0);
            authcid = new byte[0]; // acting for someone else is not supported: fails like a wrong password
        }
        return new byte[][] {authcid, password};
    }

    private static byte[][] login(SmtpSession session, String initial) throws IOException, Ended {
        byte[] name = initial != null ? decode(initial) : decode(session.challenge(USERNAME, RESPONSE_LIMIT));
        byte[] password = decode(session.challenge(PASSWORD, RESPONSE_LIMIT));
        return new byte[][] {name, password};
    }

    private static byte[] decode(String response) throws Ended {
        if (response == null) {
            throw new Ended(SmtpReplies.MALFORMED_AUTH);
        }
        if (response.equals("*")) {
            throw new Ended(SmtpReplies.AUTH_ABORTED);
        }
        if (response.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(response);
        } catch (IllegalArgumentException e) {
            throw new Ended(SmtpReplies.MALFORMED_AUTH);
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static CharBuffer utf8(byte[] b) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
    }

    private static char[] utf8Chars(byte[] b) throws CharacterCodingException {
        CharBuffer chars = utf8(b);
        char[] out = new char[chars.remaining()];
        chars.get(out);
        Arrays.fill(chars.array(), '\0');
        return out;
    }
}
