/**
 * The cleanup stage (Postfix's cleanup(8)): prepends the Received header and adds Message-ID and Date when a message
 * lacks them (RFC 5321 section 4.4, RFC 5322 section 3.6), leaving every other header as received. Called by ingress
 * after the content passed its checks and before it is queued; depends only on {@code io.mailhub.model}.
 */
package io.mailhub.cleanup;
