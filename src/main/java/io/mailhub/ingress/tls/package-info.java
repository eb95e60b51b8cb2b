/**
 * TLS for the SMTP listeners: the certificate and key from PEM files (reloaded when they change), or a self-signed
 * pair made at first start; TLS 1.2 and 1.3 with forward-secret AEAD cipher suites only.
 */
package io.mailhub.ingress.tls;
