package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;

/** The whole configuration file, validated: every instance is known to be usable. */
public record FlowmasqConfig(ListenConfig openflow, ListenConfig rest, TimerConfig timers, List<SwitchConfig> switches) {
    public FlowmasqConfig {
        Objects.requireNonNull(openflow, "openflow");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(timers, "timers");
        switches = List.copyOf(switches);
    }
}
