package io.mailhub.admin;

import io.mailhub.bounce.BounceStage;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.model.RecipientOutcome;
import io.mailhub.model.SyntaxException;
import io.mailhub.queue.MessageRework;
import io.mailhub.queue.QueueNames;
import io.mailhub.relay.Destination;
import io.mailhub.relay.SmtpRelayConstants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The edits of the admin actions that change a message: bounce and reroute. */
final class MessageEdits {

    /** The enhanced status of an administrative bounce (RFC 3463: other or undefined status). */
    static final String BOUNCE_STATUS = "5.0.0";

    private MessageEdits() {}

    /**
     * Every recipient still queued fails with {@code reason}; the message goes to mail.bounce, whose stage writes the
     * DSN to the sender (as NOTIFY asks; never for mail from {@code <>}).
     */
    static MessageRework.Edit bounce(String reason) {
        String text = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        String diagnostic = "550 " + BOUNCE_STATUS + " Bounced by the mail administrator: " + text;
        return (props, body) -> {
            List<Recipient> recipients;
            try {
                recipients = EnvelopeHeaders.parseRecipients(String.valueOf(
                        props.getOrDefault(EnvelopeHeaders.RECIPIENTS, "")));
            } catch (SyntaxException e) {
                throw new IllegalStateException("queued message has an unreadable recipient list: " + e.getMessage(), e);
            }
            List<RecipientOutcome> failed = new ArrayList<>();
            for (Recipient r : recipients) {
                failed.add(new RecipientOutcome(r, "failed", BOUNCE_STATUS, null, diagnostic));
            }
            forget(props);
            props.remove(BounceStage.WILL_RETRY_UNTIL);
            props.remove(BounceStage.DEAD_REASON);
            props.put(RecipientOutcome.HEADER, RecipientOutcome.toLines(failed));
            return QueueNames.BOUNCE;
        };
    }

    /** The message is delivered now, through {@code nextHop} instead of what dispatch chose. */
    static MessageRework.Edit reroute(String nextHop) {
        String hop = checkNextHop(nextHop);
        return (props, body) -> {
            forget(props);
            props.put(SmtpRelayConstants.NEXT_HOP, hop);
            return QueueNames.OUTBOUND;
        };
    }

    /** {@code host}, {@code host:port}, {@code [address]:port}, {@code mx}, {@code mx:domain} or {@code transport:NAME}. */
    static String checkNextHop(String nextHop) {
        String t = nextHop == null ? "" : nextHop.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("reroute needs a next hop (\"next_hop\": \"host[:port]\", \"mx:domain\""
                    + " or \"transport:NAME\")");
        }
        if (t.regionMatches(true, 0, SmtpRelayConstants.TRANSPORT_PREFIX, 0,
                SmtpRelayConstants.TRANSPORT_PREFIX.length())) {
            if (!t.substring(SmtpRelayConstants.TRANSPORT_PREFIX.length()).matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("next_hop '" + t + "': transport: needs the name of a transport map"
                        + " entry");
            }
            return t;
        }
        if (t.equalsIgnoreCase("mx") || t.regionMatches(true, 0, "mx:", 0, 3)) {
            if (t.length() > 3 && !t.substring(3).matches("[A-Za-z0-9.-]+")) {
                throw new IllegalArgumentException("next_hop '" + t + "': mx: needs a domain");
            }
            return t;
        }
        try {
            Destination.parse(t, 25);
        } catch (SyntaxException e) {
            throw new IllegalArgumentException("next_hop '" + t + "' is not a host: " + e.getMessage());
        }
        return t;
    }

    /** Drops what only the message's old place meant: its retry time and where it died. */
    private static void forget(Map<String, Object> props) {
        props.remove(MessageRework.SCHEDULED);
        props.remove(MessageRework.ORIGINAL_QUEUE);
        props.remove(MessageRework.ORIGINAL_ADDRESS);
    }
}
