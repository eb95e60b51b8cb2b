package io.mailhub.relay;

import java.util.List;

/** The outcome of one delivery attempt, one result per recipient, in the order of the envelope. */
public record DeliveryReport(List<RecipientResult> results) {

    public DeliveryReport {
        results = List.copyOf(results);
    }

    public List<RecipientResult> with(RecipientStatus status) {
        return results.stream().filter(r -> r.status() == status).toList();
    }

    public int count(RecipientStatus status) {
        int n = 0;
        for (RecipientResult r : results) {
            if (r.status() == status) {
                n++;
            }
        }
        return n;
    }
}
