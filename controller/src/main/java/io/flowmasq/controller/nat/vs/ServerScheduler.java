package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.rules.RuleForm.RealServer;
import io.flowmasq.flowcompiler.rules.RuleForm.Scheduling;
import io.flowmasq.flowcompiler.rules.RuleForm.VirtualServer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Picks the real server of each new connection to one virtual server, among the servers that are UP and have a
 * weight above 0 (weight 0 drains a server: its connections go on, no new ones come). Policies:
 * <ul>
 * <li>{@code ROUND_ROBIN}: in turn, weights ignored.</li>
 * <li>{@code WEIGHTED}: nginx's smooth weighted round robin: exact proportions over each cycle of
 * sum-of-weights choices, interleaved (3:1 gives a a b a, not a a a b).</li>
 * <li>{@code LEAST_CONNECTIONS}: fewest live connections per weight; ties in turn. A server that comes back
 * gets the next connections until it has its share: its count is of live connections, so that ends.</li>
 * <li>{@code BYTES}: fewest bytes per weight, from the flow counters the engine polls; see
 * {@link ByteAccounting} for the decay, the entry floor and the estimates between polls.</li>
 * </ul>
 * Up/down comes from the health checker through {@link #markUp}/{@link #markDown}; servers start UP.
 * Pure (time is passed in) and confined to the engine's thread; not thread safe.
 */
public final class ServerScheduler {
    /** The bytes policy's default half-life: a minute-old byte counts half. */
    public static final long DEFAULT_HALF_LIFE_MILLIS = 60_000;

    private final Scheduling policy;
    private final ByteAccounting accounting;
    private final Map<Endpoint, ServerSlot> byAddress = new HashMap<>();
    private List<ServerSlot> slots = List.of();
    /** Where the next in-turn scan starts: one past the last chosen server. */
    private int next;

    public ServerScheduler(Scheduling policy, List<RealServer> servers, long halfLifeMillis, long now) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.accounting = new ByteAccounting(halfLifeMillis, now);
        setServers(servers, now);
    }

    public ServerScheduler(Scheduling policy, List<RealServer> servers, long now) {
        this(policy, servers, DEFAULT_HALF_LIFE_MILLIS, now);
    }

    /** The scheduler of a virtual-server rule. */
    public static ServerScheduler of(VirtualServer form, long now) {
        return new ServerScheduler(form.policy(), form.servers(), now);
    }

    public Scheduling policy() {
        return policy;
    }

    /**
     * Replaces the server list (weights changed, servers added or removed), keeping the state of the servers
     * that stay. Added servers start UP; a server entering the rotation starts at the others' byte floor.
     */
    public void setServers(List<RealServer> servers, long now) {
        Set<Endpoint> addresses = new HashSet<>();
        for (RealServer s : servers) {
            if (!addresses.add(s.address())) {
                throw new IllegalArgumentException("server " + s.address() + " listed twice");
            }
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a virtual server needs at least one server");
        }
        accounting.decay(slots, now);
        Map<Endpoint, ServerSlot> kept = new LinkedHashMap<>();
        List<ServerSlot> entering = new ArrayList<>();
        for (RealServer s : servers) {
            ServerSlot slot = byAddress.get(s.address());
            if (slot == null) {
                slot = new ServerSlot(s.address(), s.weight());
                entering.add(slot);
            } else if (slot.weight == 0 && s.weight() > 0) {
                entering.add(slot);
            }
            slot.weight = s.weight();
            kept.put(s.address(), slot);
        }
        for (ServerSlot gone : byAddress.values()) {
            if (!kept.containsKey(gone.address)) {
                accounting.forget(gone);
            }
        }
        byAddress.clear();
        byAddress.putAll(kept);
        slots = List.copyOf(kept.values());
        next = next % slots.size();
        // the floor is that of the servers already in the rotation, not of the others entering with it (at 0)
        List<ServerSlot> staying = slots.stream().filter(s -> !entering.contains(s)).toList();
        for (ServerSlot slot : entering) {
            enter(slot, staying);
        }
    }

    /** The server for a new connection, or empty when no server is UP with a weight. */
    public Optional<Endpoint> choose(long now) {
        ServerSlot chosen = switch (policy) {
            case ROUND_ROBIN -> firstInTurn();
            case WEIGHTED -> smoothWeighted();
            case LEAST_CONNECTIONS -> leastInTurn(s -> (double) s.connections / s.weight);
            case BYTES -> {
                accounting.decay(slots, now);
                yield leastInTurn(ServerSlot::bytesPerWeight);
            }
        };
        if (chosen == null) {
            return Optional.empty();
        }
        chosen.chosen++;
        if (policy == Scheduling.BYTES) {
            accounting.charge(chosen, now);
        }
        return Optional.of(chosen.address);
    }

    /** A connection (binding) to {@code server} was created. Unknown servers are ignored. */
    public void connectionOpened(Endpoint server) {
        ServerSlot s = byAddress.get(server);
        if (s != null) {
            s.connections++;
        }
    }

    /** A connection (binding) to {@code server} ended. Unknown servers (removed since) are ignored. */
    public void connectionClosed(Endpoint server) {
        ServerSlot s = byAddress.get(server);
        if (s != null && s.connections > 0) {
            s.connections--;
        }
    }

    /**
     * One flow-stats poll: the cumulative bytes of every live binding of this virtual server, the poll's
     * snapshot taken at {@code snapshotAt} (when the request was sent). Bindings absent are taken as ended.
     */
    public void bytesPolled(Collection<BindingBytes> counters, long snapshotAt, long now) {
        accounting.decay(slots, now);
        accounting.polled(counters, snapshotAt, byAddress::get);
    }

    /** A binding ended between polls with {@code finalBytes} in its counters; returns the bytes newly counted. */
    public long bindingEnded(long bindingId, long finalBytes, long now) {
        accounting.decay(slots, now);
        return accounting.ended(bindingId, finalBytes, byAddress::get);
    }

    /** Bytes carried by {@code server} that no poll will report (a delta, not a cumulative count). */
    public void bytesObserved(Endpoint server, long bytes, long now) {
        accounting.decay(slots, now);
        accounting.observe(byAddress.get(server), bytes);
    }

    /** The health checker judged {@code server} UP; returns false for an unknown server. */
    public boolean markUp(Endpoint server) {
        ServerSlot s = byAddress.get(server);
        if (s == null) {
            return false;
        }
        if (!s.up) {
            s.up = true;
            enter(s, slots);
        }
        return true;
    }

    /** The health checker judged {@code server} DOWN: no new connections; returns false for an unknown server. */
    public boolean markDown(Endpoint server) {
        ServerSlot s = byAddress.get(server);
        if (s == null) {
            return false;
        }
        s.up = false;
        return true;
    }

    /** One immutable status per server, in configuration order. */
    public List<ServerStatus> status() {
        return slots.stream().map(ServerSlot::status).toList();
    }

    private static void enter(ServerSlot slot, List<ServerSlot> others) {
        slot.current = 0;
        ByteAccounting.raiseToFloor(slot, others);
    }

    private ServerSlot firstInTurn() {
        int n = slots.size();
        for (int i = 0; i < n; i++) {
            int idx = (next + i) % n;
            if (slots.get(idx).inRotation()) {
                next = (idx + 1) % n;
                return slots.get(idx);
            }
        }
        return null;
    }

    /** The least loaded server, scanning from one past the last chosen so that ties go in turn. */
    private ServerSlot leastInTurn(ToDoubleFunction<ServerSlot> load) {
        int n = slots.size();
        int best = -1;
        double bestLoad = 0;
        for (int i = 0; i < n; i++) {
            int idx = (next + i) % n;
            ServerSlot s = slots.get(idx);
            if (s.inRotation()) {
                double l = load.applyAsDouble(s);
                if (best < 0 || l < bestLoad) {
                    best = idx;
                    bestLoad = l;
                }
            }
        }
        if (best < 0) {
            return null;
        }
        next = (best + 1) % n;
        return slots.get(best);
    }

    /** nginx's smooth weighted round robin (ngx_http_upstream_get_peer). */
    private ServerSlot smoothWeighted() {
        ServerSlot best = null;
        long total = 0;
        for (ServerSlot s : slots) {
            if (!s.inRotation()) {
                continue;
            }
            s.current += s.weight;
            total += s.weight;
            if (best == null || s.current > best.current) {
                best = s;
            }
        }
        if (best != null) {
            best.current -= total;
        }
        return best;
    }
}
