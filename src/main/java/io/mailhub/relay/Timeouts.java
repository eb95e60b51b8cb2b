package io.mailhub.relay;

import java.time.Duration;

/**
 * Client timeouts (RFC 5321 section 4.5.3.2).
 *
 * @param connect TCP connect
 * @param command greeting, EHLO, MAIL, RCPT, DATA initiation and each data block
 * @param finalReply the reply after the terminating dot (RFC: 10 minutes)
 */
public record Timeouts(Duration connect, Duration command, Duration finalReply) {}
