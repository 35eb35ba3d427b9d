package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;

/**
 * A usable configuration and the warnings found in it: values that work but that a reader of the file
 * should know are unusual, each {@code <path>: <remark>}; {@code notes} say where a part came from (a switch's
 * rule chain from the rules file), logged at INFO.
 */
public record ValidatedConfig(FlowmasqConfig config, List<String> warnings, List<String> notes) {
    public ValidatedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }

    public ValidatedConfig(FlowmasqConfig config, List<String> warnings) {
        this(config, warnings, List.of());
    }
}
