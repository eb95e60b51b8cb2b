package io.mailhub.acceptance;

/**
 * Where the acceptance stage reports each decision for the event log ({@code received} or {@code rejected}), after it
 * is made: the stage does not know the log, the hub wires one in.
 */
@FunctionalInterface
public interface AcceptanceEvents {

    /** Nothing is recorded. */
    AcceptanceEvents NONE = (submission, decision) -> { };

    /** Called once per message the stage decided about; the submission's content is closed by then. */
    void decided(Submission submission, Decision decision);
}
