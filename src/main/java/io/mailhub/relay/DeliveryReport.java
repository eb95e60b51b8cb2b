package io.mailhub.relay;

import java.util.List;
import java.util.function.UnaryOperator;

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

    /** This report with {@code change} applied to every result. */
    public DeliveryReport map(UnaryOperator<RecipientResult> change) {
        return new DeliveryReport(results.stream().map(change).toList());
    }
}
