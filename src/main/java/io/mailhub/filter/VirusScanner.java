package io.mailhub.filter;

import io.mailhub.model.MessageContent;
import java.io.IOException;

/** A virus scanner daemon, asked once per message with a time limit. */
public interface VirusScanner {

    /**
     * @return the name of what was found, or {@code null}: clean
     * @throws IOException no verdict (no answer in time, the message too large for the scanner, an error)
     */
    String scan(MessageContent content) throws IOException;

    String name();
}
