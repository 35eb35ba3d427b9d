package io.flowmasq.controller.config;

import java.util.ArrayList;
import java.util.List;

/** Collects the errors and warnings found while one file is read, so that all of them are reported at once. */
final class Problems {
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Problem> errorEntries = new ArrayList<>();

    /** One error, its path and its problem apart (a REST answer names the field on its own). */
    record Problem(String path, String problem) {
    }

    void error(String path, String problem) {
        errors.add(line(path, problem));
        errorEntries.add(new Problem(path, problem));
    }

    List<Problem> errorEntries() {
        return List.copyOf(errorEntries);
    }

    void warn(String path, String problem) {
        warnings.add(line(path, problem));
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    private static String line(String path, String problem) {
        return (path.isEmpty() ? ConfigNode.ROOT_LABEL : path) + ": " + problem;
    }
}
