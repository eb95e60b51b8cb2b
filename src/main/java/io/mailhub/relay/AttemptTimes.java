package io.mailhub.relay;

import java.time.Duration;

/**
 * How long the parts of a recipient's delivery attempt took, as measured (Postfix's {@code delays=b/c/d}); a part that
 * did not happen or was not measured is {@code null}. There is no "before queue" part: a message's arrival time is
 * taken when it has been received, so the time its client took to send it is not known here.
 *
 * @param inQueue from the message's arrival until the relay began this attempt (earlier attempts included)
 * @param connectionSetup from when the relay began on the route's hosts until it could send MAIL FROM: waiting for a
 *     connection slot, connecting, greeting, EHLO, STARTTLS, AUTH, and the hosts that failed before (not the DNS
 *     lookup); zero but for the slot wait on a reused connection
 * @param transmission from MAIL FROM to the final reply of the transaction(s) on that connection
 */
public record AttemptTimes(Duration inQueue, Duration connectionSetup, Duration transmission) {

    /** Nothing measured. */
    public static final AttemptTimes NONE = new AttemptTimes(null, null, null);

    public AttemptTimes withInQueue(Duration d) {
        return new AttemptTimes(d, connectionSetup, transmission);
    }

    /** With {@code earlier} (time spent on hosts tried before) added to the connection setup. */
    AttemptTimes plusSetup(Duration earlier) {
        return new AttemptTimes(inQueue, connectionSetup == null ? earlier : connectionSetup.plus(earlier), transmission);
    }
}
