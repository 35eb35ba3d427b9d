package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration file, validated: every instance is known to be usable.
 *
 * @param restToken            bearer token the REST API demands (from the file or FLOWMASQ_API_TOKEN);
 *                             empty: no authentication
 * @param statsIntervalSeconds how often each switch is asked for its flow statistics
 * @param bindingLog           where binding records go; empty: not written
 */
public record FlowmasqConfig(ListenConfig openflow, ListenConfig rest, Optional<String> restToken, TimerConfig timers,
                             List<SwitchConfig> switches, int statsIntervalSeconds,
                             Optional<BindingLogConfig> bindingLog) {
    public static final int DEFAULT_STATS_INTERVAL_SECONDS = 10;

    public FlowmasqConfig {
        Objects.requireNonNull(openflow, "openflow");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(restToken, "restToken");
        Objects.requireNonNull(timers, "timers");
        switches = List.copyOf(switches);
        if (statsIntervalSeconds < 1 || statsIntervalSeconds > 3600) {
            throw new IllegalArgumentException("statsIntervalSeconds must be 1..3600: " + statsIntervalSeconds);
        }
        Objects.requireNonNull(bindingLog, "bindingLog");
    }

    /** No token, default statistics interval, no binding log. */
    public FlowmasqConfig(ListenConfig openflow, ListenConfig rest, TimerConfig timers, List<SwitchConfig> switches) {
        this(openflow, rest, Optional.empty(), timers, switches, DEFAULT_STATS_INTERVAL_SECONDS, Optional.empty());
    }
}
