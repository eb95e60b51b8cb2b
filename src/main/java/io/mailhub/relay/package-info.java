/**
 * The {@code smtp-relay} Camel component (like Postfix's smtp(8)): delivers one queued message to a next hop once,
 * with PIPELINING (RFC 2920) and connection reuse, and reports the outcome per recipient; it never retries or bounces.
 * Depends only on {@code io.mailhub.model}; see src/main/docs/smtp-relay-component.adoc.
 */
package io.mailhub.relay;
