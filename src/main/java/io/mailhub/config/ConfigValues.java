package io.mailhub.config;

/** Where setting values come from (system properties, environment, configuration file). */
public interface ConfigValues {

    /** The given value of {@code key}, or {@code null} when no source has it. */
    String get(String key);

    /** Where the value of {@code key} came from, for error messages ({@code -Dkey}, an environment variable, a file). */
    String origin(String key);
}
