/**
 * SMTP ingress (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8, CHUNKING and DSN): a blocking
 * listener with one thread per session that checks and spools each message and hands it to {@code mail.incoming},
 * answering 250 only after the broker's synced write. Depends on {@code io.mailhub.policy} (hooks per phase),
 * {@code io.mailhub.cleanup} (trace headers), {@code io.mailhub.queue} and {@code io.mailhub.model}.
 */
package io.mailhub.ingress.smtp;
