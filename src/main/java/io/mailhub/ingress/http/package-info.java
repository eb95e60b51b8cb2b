/**
 * The HTTP door: one Jetty server ({@link io.mailhub.ingress.http.HttpListener}, HTTP and optionally HTTPS) serving the
 * native send API under {@code /api/v1} ({@link io.mailhub.ingress.http.NativeApiServlet}), the Postmark, SendGrid and
 * Mailgun aliases, the problem type descriptions and the hub's health endpoints. A request is authenticated by its API
 * key ({@link io.mailhub.ingress.http.ApiAuth}), counted against the key's rate, read as JSON (streamed,
 * {@link io.mailhub.ingress.http.MessageJson}), a form or a raw message, built into MIME
 * ({@link io.mailhub.ingress.http.MimeBuilder}) and handed to the acceptance stage like any door's mail; the stage's
 * decision becomes 202 or an RFC 9457 problem with the SMTP enhanced status ({@link io.mailhub.ingress.http.Problems}).
 * Depends on {@code acceptance}, {@code auth}, {@code cleanup}, {@code delivery} (the event log, for status lookups),
 * {@code queue} and {@code model}.
 */
package io.mailhub.ingress.http;
