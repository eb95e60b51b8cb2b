package io.mailhub.bounce;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as RFC 5322 section 3.3 writes them, which is also what RFC 3464 date fields use. */
final class RfcDates {

    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private RfcDates() {}

    static String format(Instant when, ZoneId zone) {
        return RFC5322.format(when.atZone(zone));
    }
}
