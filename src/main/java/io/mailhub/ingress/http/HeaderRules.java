package io.mailhub.ingress.http;

import java.util.Locale;
import java.util.Set;

/**
 * Which header fields a request may add through {@code headers} (and the aliases' header lists): printable ASCII
 * names without ':', never the hub's own {@code Mailhub*} fields, and never a field the request's own fields or the
 * hub write (From, To, Subject, Sender, the MIME fields, trace fields): a second From: or a Sender: would get past the
 * key's sender rule.
 */
final class HeaderRules {

    /** Set by the request's own fields, the MIME structure or the hub; refused in {@code headers}. */
    static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "sender",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "content-id",
            "received", "return-path");

    private HeaderRules() {}

    /** Why a request may not add a field named {@code name}, or {@code null} when it may. */
    static String refusal(String name) {
        if (name == null || !name.matches("[!-9;-~]{1,76}")) {
            return "the header name must be printable ASCII without ':' or spaces";
        }
        if (name.regionMatches(true, 0, "Mailhub", 0, 7)) {
            return "Mailhub* header fields are the hub's own and cannot be set";
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            return name + " is written from the message's own fields and cannot be set in headers";
        }
        return null;
    }
}
