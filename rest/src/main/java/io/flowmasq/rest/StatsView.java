package io.flowmasq.rest;

import java.util.Map;

/**
 * Controller-wide figures.
 *
 * @param bindingsByProtocol live bindings by protocol ("tcp", "udp"); ICMP queries are translated by the
 *                           controller without flows and are not bindings
 * @param packetInsPerSecond packet-ins per second over the last few seconds, all switches
 * @param counters           monotonic counters by stable name ("nat.binding_created",
 *                           "nat.refused.ports_exhausted", "openflow.error.FLOW_MOD_FAILED", ...)
 */
public record StatsView(Map<String, Long> bindingsByProtocol, double packetInsPerSecond, Map<String, Long> counters) {
    public StatsView {
        bindingsByProtocol = Map.copyOf(bindingsByProtocol);
        counters = Map.copyOf(counters);
    }
}
