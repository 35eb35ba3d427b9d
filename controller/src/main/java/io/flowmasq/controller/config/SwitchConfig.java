package io.flowmasq.controller.config;

import java.util.List;
import java.util.Objects;
import org.projectfloodlight.openflow.types.DatapathId;

/** One NAT switch, found by its datapath id. {@code timers} is the global set with this switch's overrides. */
public record SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                           PortRange portRange, TimerConfig timers) {
    public SwitchConfig {
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(name, "name");
        inside = List.copyOf(inside);
        Objects.requireNonNull(outside, "outside");
        Objects.requireNonNull(portRange, "portRange");
        Objects.requireNonNull(timers, "timers");
    }
}
