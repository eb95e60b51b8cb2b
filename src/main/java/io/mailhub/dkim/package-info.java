/**
 * DKIM (RFC 6376) signing of outbound mail with RSA-SHA256 and Ed25519-SHA256 (RFC 8463), relaxed/relaxed
 * canonicalization, keys from PEM files listed in a key table. Depends on {@code model} and {@code crypto}.
 */
package io.mailhub.dkim;
