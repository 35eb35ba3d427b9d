package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.Endpoint;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The byte counters behind the bytes policy (seed 003), fixed so that no server is flooded or starved by its
 * history:
 * <ul>
 * <li>Counters decay exponentially with {@code halfLifeMillis}: what a server carried long ago stops counting,
 * so an old backlog does not keep a server out of the rotation until the others have carried as much. All
 * counters decay by the same factor, so servers under steady load keep their proportions.</li>
 * <li>A server entering the rotation (added, back UP, weight raised from 0) is raised to the lowest load per
 * weight of the servers already in it ({@link #raiseToFloor}). Seed 003 let it start at 0, below everybody,
 * and it then received every new connection until its counter caught up: with gigabytes on the others, that
 * is every connection for minutes, a flood the health check had just judged it could not take.</li>
 * <li>Between two polls each new connection is charged an estimate (the mean bytes per connection, at least
 * 1), so a burst of connections between polls is spread instead of all going to the server that looked
 * lightest at the last poll. An estimate is dropped once a poll's snapshot covers its connection, whose
 * measured bytes then replace it.</li>
 * </ul>
 * Confined to {@link ServerScheduler}; not thread safe.
 */
final class ByteAccounting {
    /** Bounds the estimates kept while no poll arrives (switch away): the oldest are forgotten first. */
    static final int MAX_PENDING = 100_000;

    private record Pending(long at, ServerSlot slot, double estimate) {
    }

    private record Seen(Endpoint server, long bytes) {
    }

    private final long halfLifeMillis;
    private long decayedAt;
    private double recentBytes;
    private double recentConnections;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private Map<Long, Seen> lastPoll = new HashMap<>();

    ByteAccounting(long halfLifeMillis, long now) {
        if (halfLifeMillis < 1) {
            throw new IllegalArgumentException("halfLifeMillis must be >= 1: " + halfLifeMillis);
        }
        this.halfLifeMillis = halfLifeMillis;
        this.decayedAt = now;
    }

    /** Applies the decay from the last call to {@code now} to every counter. */
    void decay(Collection<ServerSlot> slots, long now) {
        if (now <= decayedAt) {
            return;
        }
        double f = Math.pow(0.5, (double) (now - decayedAt) / halfLifeMillis);
        decayedAt = now;
        for (ServerSlot s : slots) {
            s.byteLoad *= f;
        }
        recentBytes *= f;
        recentConnections *= f;
    }

    /** Charges a new connection to {@code slot} at its estimated cost. */
    void charge(ServerSlot slot, long now) {
        double estimate = Math.max(1.0, recentConnections >= 1 ? recentBytes / recentConnections : 0);
        recentConnections += 1;
        slot.pending += estimate;
        pending.addLast(new Pending(now, slot, estimate));
        if (pending.size() > MAX_PENDING) {
            Pending old = pending.removeFirst();
            old.slot().pending = Math.max(0, old.slot().pending - old.estimate());
        }
    }

    /** Adds {@code bytes} measured on {@code slot} (null: a server no longer scheduled, counted in the mean only). */
    void observe(ServerSlot slot, long bytes) {
        if (bytes <= 0) {
            return;
        }
        recentBytes += bytes;
        if (slot != null) {
            slot.bytes += bytes;
            slot.byteLoad += bytes;
        }
    }

    /**
     * One poll's cumulative counters, taken at {@code snapshotAt}: the growth of each binding since the previous
     * poll is observed; a binding id not seen before, seen with another server or with a smaller count (the id
     * was reused) counts from 0; ids absent from the poll are forgotten (their bindings ended).
     */
    void polled(Collection<BindingBytes> counters, long snapshotAt, Function<Endpoint, ServerSlot> slots) {
        Map<Long, Seen> seen = new HashMap<>(counters.size() * 2);
        for (BindingBytes c : counters) {
            Seen before = lastPoll.get(c.bindingId());
            long delta = before != null && before.server().equals(c.server()) && c.bytes() >= before.bytes()
                    ? c.bytes() - before.bytes() : c.bytes();
            observe(slots.apply(c.server()), delta);
            seen.put(c.bindingId(), new Seen(c.server(), c.bytes()));
        }
        lastPoll = seen;
        while (!pending.isEmpty() && pending.peekFirst().at() <= snapshotAt) {
            Pending p = pending.removeFirst();
            p.slot().pending = Math.max(0, p.slot().pending - p.estimate());
        }
    }

    /**
     * A binding ended between polls with {@code finalBytes} in its counters (FLOW_REMOVED): the growth since the
     * last poll is observed and the id forgotten. Returns the bytes observed.
     */
    long ended(long bindingId, long finalBytes, Function<Endpoint, ServerSlot> slots) {
        Seen before = lastPoll.remove(bindingId);
        if (before == null) {
            return 0; // never polled: the server is unknown here (the caller may use bytesObserved)
        }
        long delta = Math.max(0, finalBytes - before.bytes());
        observe(slots.apply(before.server()), delta);
        return delta;
    }

    /**
     * Raises an entering server to the lowest load per weight among {@code others} in the rotation, so it
     * competes from where they are instead of from 0. A server already above the floor keeps its load: its
     * bytes may be those of connections still running.
     */
    static void raiseToFloor(ServerSlot entering, Collection<ServerSlot> others) {
        double floor = Double.MAX_VALUE;
        for (ServerSlot s : others) {
            if (s != entering && s.inRotation()) {
                floor = Math.min(floor, s.bytesPerWeight());
            }
        }
        if (floor != Double.MAX_VALUE && entering.weight > 0) {
            entering.byteLoad = Math.max(entering.byteLoad, floor * entering.weight - entering.pending);
        }
    }

    /** Forgets the estimates charged to a server that left the scheduler. */
    void forget(ServerSlot slot) {
        pending.removeIf(p -> p.slot() == slot);
    }
}
