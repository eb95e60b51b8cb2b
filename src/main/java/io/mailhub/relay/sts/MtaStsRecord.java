package io.mailhub.relay.sts;

import java.util.List;
import java.util.Optional;

/** The {@code _mta-sts} TXT record (RFC 8461 section 3.1): {@code v=STSv1; id=...;}. */
final class MtaStsRecord {

    private MtaStsRecord() {}

    /**
     * The policy id of the domain's TXT records: of those that begin with {@code v=STSv1}, there must be exactly one,
     * with an {@code id} of 1 to 32 letters and digits. Anything else means the domain has no MTA-STS record.
     */
    static Optional<String> id(List<String> texts) {
        List<String> sts = texts.stream().filter(t -> t.startsWith("v=STSv1")).toList();
        if (sts.size() != 1) {
            return Optional.empty();
        }
        String id = null;
        boolean first = true;
        for (String field : sts.get(0).split(";")) {
            String f = field.strip();
            if (f.isEmpty()) {
                continue;
            }
            int eq = f.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String key = f.substring(0, eq).strip();
            String value = f.substring(eq + 1).strip();
            if (first && !(key.equals("v") && value.equals("STSv1"))) {
                return Optional.empty();
            }
            first = false;
            if (key.equals("id") && id == null) {
                id = value;
            }
        }
        return id != null && id.matches("[A-Za-z0-9]{1,32}") ? Optional.of(id) : Optional.empty();
    }
}
