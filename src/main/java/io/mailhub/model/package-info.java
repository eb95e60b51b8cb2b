/**
 * Values shared by all stages: the envelope and its mapping to message properties
 * ({@link io.mailhub.model.EnvelopeHeaders}), addresses, DSN parameters (RFC 3461), SMTP replies with enhanced status
 * codes (RFC 3463), and sizes and durations written with units. Depends on no other Mailhub package.
 */
package io.mailhub.model;
