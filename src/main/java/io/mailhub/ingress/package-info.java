/**
 * The doors by which mail enters: {@code smtp} (the SMTP listeners), {@code http} (the send API and its provider
 * aliases), and {@code tls} (the certificate both serve). Each door is a thin adapter over
 * {@link io.mailhub.acceptance.MailAcceptance}: it speaks its protocol, and maps the stage's decision to its own answer.
 */
package io.mailhub.ingress;
