package io.mailhub.filter;

import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import java.io.IOException;

/** A spam filter daemon, asked once per message with a time limit. */
public interface SpamFilter {

    /**
     * @param envelope the envelope (sender, recipients, client, HELO, principal)
     * @param content the message
     * @return the filter's verdict
     * @throws IOException the filter did not answer in time or answered nonsense: no verdict
     */
    SpamVerdict check(Envelope envelope, MessageContent content) throws IOException;

    /** The filter's name in headers and logs ({@code rspamd}). */
    String name();
}
