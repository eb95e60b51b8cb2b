/**
 * Wiring and start-up: reads and validates every {@code mailhub.*} setting ({@link io.mailhub.app.MailhubSettings}),
 * then starts the embedded broker, the Camel context with the route files and the SMTP listener in that order, and
 * registers the health checks. Depends on every other package; nothing depends on it.
 */
package io.mailhub.app;
