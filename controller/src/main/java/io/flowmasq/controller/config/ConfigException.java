package io.flowmasq.controller.config;

import java.util.List;

/**
 * A configuration file that cannot be used. Carries every mistake found, each one line of the form
 * {@code <path>: <problem>}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super(String.join("\n", errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public ConfigException(String error) {
        this(List.of(error));
    }

    /** One line per mistake, {@code <path>: <problem>}. */
    public List<String> errors() {
        return errors;
    }
}
