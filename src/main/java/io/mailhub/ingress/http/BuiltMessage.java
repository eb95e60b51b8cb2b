package io.mailhub.ingress.http;

import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.model.MessageContent;

/**
 * A message the API built: its content (spooled), what a scan of its header found, and whether its headers need
 * SMTPUTF8 (a non-ASCII local part).
 */
record BuiltMessage(MessageContent content, HeaderScanner headers, boolean smtputf8) {}
