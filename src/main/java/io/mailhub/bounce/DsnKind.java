package io.mailhub.bounce;

import io.mailhub.model.RecipientOutcome;
import java.util.List;

/**
 * Which notice a report is: a failure (bounce), a delay warning or a success report. It picks the template and the
 * subject, and decides what of the original may be returned (RFC 3461 section 4.3: the full message only with a
 * failure).
 */
public enum DsnKind {
    FAILURE("failure_template"),
    DELAY("delay_template"),
    SUCCESS("success_template");

    private final String templateName;

    DsnKind(String templateName) {
        this.templateName = templateName;
    }

    /** The entry in the template file. */
    public String templateName() {
        return templateName;
    }

    /**
     * The kind of a report about these outcomes: a failure if any recipient failed, else a delay warning if any is
     * delayed, else a success report.
     *
     * @throws IllegalArgumentException when there is nothing to report
     */
    public static DsnKind of(List<RecipientOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("a delivery status notification needs at least one recipient");
        }
        boolean delayed = false;
        for (RecipientOutcome o : outcomes) {
            DsnAction action = DsnAction.of(o.action());
            if (action == DsnAction.FAILED) {
                return FAILURE;
            }
            delayed |= action == DsnAction.DELAYED;
        }
        return delayed ? DELAY : SUCCESS;
    }
}
