package io.mailhub.app;

import java.util.List;

/** The configuration has problems; {@link #problems()} has one line per problem, each naming its property. */
public final class InvalidSettingsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
