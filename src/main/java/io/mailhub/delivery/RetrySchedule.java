package io.mailhub.delivery;

import io.mailhub.model.DurationText;
import io.mailhub.model.SyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When to try again after a temporary failure, written as steps with units: {@code 5m, 10m, 20m, 40m, 1h*4, 2h}.
 * {@code *n} repeats a step n times; after the last step, the last delay repeats until the message's lifetime ends.
 * The delay after the first failed attempt is the first step.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final String text;

    private RetrySchedule(List<Duration> delays, String text) {
        this.delays = List.copyOf(delays);
        this.text = text;
    }

    /** @throws SyntaxException naming the bad step by its position and text */
    public static RetrySchedule parse(String text) throws SyntaxException {
        List<Duration> delays = new ArrayList<>();
        String[] steps = text.split(",", -1);
        for (int i = 0; i < steps.length; i++) {
            String step = steps[i].trim();
            String where = "step " + (i + 1) + " '" + step + "'";
            if (step.isEmpty()) {
                throw new SyntaxException(where + " is empty");
            }
            int star = step.indexOf('*');
            int repeat = 1;
            String delay = step;
            if (star >= 0) {
                delay = step.substring(0, star).trim();
                try {
                    repeat = Integer.parseInt(step.substring(star + 1).trim());
                } catch (NumberFormatException e) {
                    throw new SyntaxException(where + ": the repeat count after '*' must be a whole number");
                }
                if (repeat < 1 || repeat > 1000) {
                    throw new SyntaxException(where + ": the repeat count must be between 1 and 1000");
                }
            }
            Duration d;
            try {
                d = DurationText.parse(delay);
            } catch (SyntaxException e) {
                throw new SyntaxException(where + ": " + e.getMessage());
            }
            if (d.isZero()) {
                throw new SyntaxException(where + ": a retry delay must be longer than zero");
            }
            for (int r = 0; r < repeat; r++) {
                delays.add(d);
            }
        }
        return new RetrySchedule(delays, text.trim());
    }

    /** The delay after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration delayAfter(int attempts) {
        int index = Math.max(0, Math.min(attempts, delays.size()) - 1);
        return delays.get(index);
    }

    @Override
    public String toString() {
        return text;
    }
}
