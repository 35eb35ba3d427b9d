package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;

/**
 * A usable configuration and the warnings found in it: values that work but that a reader of the file
 * should know are unusual, each {@code <path>: <remark>}.
 */
public record ValidatedConfig(FlowmasqConfig config, List<String> warnings) {
    public ValidatedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
    }
}
