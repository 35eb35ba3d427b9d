package io.flowmasq.controller.config;

import java.nio.file.Path;
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
 * @param rulesFile            where runtime rule changes are kept across restarts (relative paths already
 *                             resolved against the config file's directory); empty: not kept
 */
public record FlowmasqConfig(ListenConfig openflow, ListenConfig rest, Optional<String> restToken, TimerConfig timers,
                             List<SwitchConfig> switches, int statsIntervalSeconds,
                             Optional<BindingLogConfig> bindingLog, Optional<Path> rulesFile) {
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
        Objects.requireNonNull(rulesFile, "rulesFile");
    }

    /** No rules file. */
    public FlowmasqConfig(ListenConfig openflow, ListenConfig rest, Optional<String> restToken, TimerConfig timers,
                          List<SwitchConfig> switches, int statsIntervalSeconds, Optional<BindingLogConfig> bindingLog) {
        this(openflow, rest, restToken, timers, switches, statsIntervalSeconds, bindingLog, Optional.empty());
    }

    /** No token, default statistics interval, no binding log. */
    public FlowmasqConfig(ListenConfig openflow, ListenConfig rest, TimerConfig timers, List<SwitchConfig> switches) {
        this(openflow, rest, Optional.empty(), timers, switches, DEFAULT_STATS_INTERVAL_SECONDS, Optional.empty(),
                Optional.empty());
    }

    /** The same configuration with these switches (same dpids, other rule chains). */
    public FlowmasqConfig withSwitches(List<SwitchConfig> s) {
        return new FlowmasqConfig(openflow, rest, restToken, timers, s, statsIntervalSeconds, bindingLog, rulesFile);
    }

    /** The same configuration with a relative rules file resolved against {@code dir}. */
    public FlowmasqConfig withRulesFileUnder(Path dir) {
        return new FlowmasqConfig(openflow, rest, restToken, timers, switches, statsIntervalSeconds, bindingLog,
                rulesFile.map(dir::resolve));
    }
}
