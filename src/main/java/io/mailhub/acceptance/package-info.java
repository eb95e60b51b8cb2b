/**
 * The acceptance stage: the one path from every door (SMTP listeners, the HTTP API, and later the pickup directory,
 * JMS and webhooks) to {@code mail.incoming}. A door turns its protocol into a {@link io.mailhub.acceptance.Submission}
 * (origin, principal, envelope, content) and the stage decides, in order: hop count (mail loops), size, the data
 * hooks and the sender rules of the principal (envelope and From:), for inbound mail on the MX listener SPF/DKIM/DMARC,
 * removal of internal and forged header fields, cleanup (Received naming the door, Message-ID, Date), DKIM signing of
 * outbound mail, and the durable enqueue. Its {@link io.mailhub.acceptance.Decision} carries the SMTP reply every door
 * maps to its own protocol (an SMTP reply, an HTTP status with a problem object). Depends on {@code policy},
 * {@code authres}, {@code cleanup}, {@code queue}, {@code auth} and {@code model}; knows no door.
 */
package io.mailhub.acceptance;
