package io.flowmasq.controller.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The counters of each binding's flows at the last flow-statistics poll of one switch, and when its
 * outbound flow last moved (the outbound flow carries the idle timeout). Immutable: each poll makes a new
 * table from the previous one, so readers on other threads always see one poll's figures.
 */
final class TrafficTable {
    /** One binding's two flows; {@code lastOutboundAt} is the poll (ms) at which outbound packets were last seen. */
    record Traffic(long packetsOut, long bytesOut, long packetsIn, long bytesIn, long lastOutboundAt) {
    }

    /** One flow of a binding as a flow-stats reply reported it. */
    record FlowCounter(long bindingId, boolean outbound, long packets, long bytes) {
    }

    static final TrafficTable EMPTY = new TrafficTable(Map.of(), -1, -1);

    private final Map<Long, Traffic> byId;
    private final long asOf;
    private final int flowCount;

    private TrafficTable(Map<Long, Traffic> byId, long asOf, int flowCount) {
        this.byId = byId;
        this.asOf = asOf;
        this.flowCount = flowCount;
    }

    /**
     * The table after a poll taken at {@code now} that found {@code flowCount} flows in all, of which
     * {@code counters} belong to bindings. A binding whose outbound packet count did not move keeps its
     * previous {@code lastOutboundAt}; a new or moving one gets {@code now}.
     */
    TrafficTable next(Iterable<FlowCounter> counters, int flowCount, long now) {
        Map<Long, long[]> sums = new HashMap<>();
        for (FlowCounter c : counters) {
            long[] s = sums.computeIfAbsent(c.bindingId(), k -> new long[4]);
            int at = c.outbound() ? 0 : 2;
            s[at] += c.packets();
            s[at + 1] += c.bytes();
        }
        Map<Long, Traffic> next = new HashMap<>(sums.size() * 2);
        sums.forEach((id, s) -> {
            Traffic before = byId.get(id);
            long lastOut = before != null && before.packetsOut() == s[0] ? before.lastOutboundAt() : now;
            next.put(id, new Traffic(s[0], s[1], s[2], s[3], lastOut));
        });
        return new TrafficTable(Map.copyOf(next), now, flowCount);
    }

    Optional<Traffic> of(long bindingId) {
        return Optional.ofNullable(byId.get(bindingId));
    }

    /** When the poll was taken (ms), or -1 before the first. */
    long asOf() {
        return asOf;
    }

    /** All flows of the switch at the poll (any cookie), or -1 before the first. */
    int flowCount() {
        return flowCount;
    }
}
