package io.flowmasq.controller.nat;

import java.util.random.RandomGenerator;

/**
 * Hands out the ports of one range on one public address for one protocol, in O(1).
 *
 * <p><b>Preservation.</b> The inside port is kept when it is in the range and free (RFC 4787 REQ-3
 * allows it; applications that announce their own port keep working).
 *
 * <p><b>Random choice otherwise</b> (RFC 6056 §3.3.1: ports an off-path attacker cannot guess). The
 * free ports sit in a dense array with each port's position in a second array: a uniformly random
 * element is taken and the hole filled with the last element (swap-remove). No scans, no sequence.
 *
 * <p><b>Reuse delay</b> (RFC 7857 §3.3.2, RFC 6056 §3.5, RFC 4787 REQ-3's "no port overloading"): a
 * released port cools for {@code reuseDelayMillis} before any other inside endpoint may get it, so that
 * late packets of the old peers never reach a different host. The cooling ports are a FIFO (an
 * intrusive doubly linked list: release order is expiry order) drained into the free array on each
 * allocation; only the head is looked at, so draining is amortised O(1). While only cooling ports are
 * left, allocation fails rather than cut the delay short.
 *
 * <p>The endpoint that last owned a cooling port (kept as one {@code long} per port, no objects) may
 * have it back once {@code settleMillis} have passed since the release, long before the reuse delay:
 * applications that reconnect from a fixed port keep their public port, and their peers' state. Not at
 * once, though: packets of the old binding may still be in flight, and a switch's datapath may still
 * cache the old binding's (or the table miss's) actions for that port (Open vSwitch revalidates its
 * megaflows asynchronously and keeps idle ones for 10 s), which would drop the first reply of the new
 * binding; meanwhile the endpoint gets a random free port.
 *
 * <p>Not thread-safe: the engine that owns it serialises calls.
 */
public final class PortAllocator {
    private static final int NONE = -1;
    /** {@link #slot} of a port in use; a free port's slot is its position in {@link #pool}. */
    private static final int USED = -1;
    /** {@link #slot} of a released port that is still cooling (linked in {@link #next}/{@link #prev}). */
    private static final int COOLING = -2;
    /** {@link #owner} of a port released without a known owner: nobody gets it back early. */
    private static final long NO_OWNER = -1;

    private final int first;
    private final int[] pool;
    private final int[] slot;
    private final int[] next;
    private final int[] prev;
    private final long[] releasedAt;
    private final long[] owner;
    private final long reuseDelayMillis;
    private final long settleMillis;
    private final RandomGenerator random;
    private int poolSize;
    private int coolingHead = NONE;
    private int coolingTail = NONE;
    private int cooling;

    /** No reuse delay (a released port is free for anyone at once). */
    public PortAllocator(int first, int last, RandomGenerator random) {
        this(first, last, 0, 0, random);
    }

    /**
     * {@code reuseDelayMillis}: how long a released port is kept from other inside endpoints;
     * {@code settleMillis}: how long from its last owner (capped at the reuse delay).
     */
    public PortAllocator(int first, int last, long reuseDelayMillis, long settleMillis, RandomGenerator random) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
        if (reuseDelayMillis < 0 || settleMillis < 0) {
            throw new IllegalArgumentException("negative delay " + reuseDelayMillis + "/" + settleMillis);
        }
        this.first = first;
        this.reuseDelayMillis = reuseDelayMillis;
        this.settleMillis = Math.min(settleMillis, reuseDelayMillis);
        this.random = java.util.Objects.requireNonNull(random, "random");
        int size = last - first + 1;
        pool = new int[size];
        slot = new int[size];
        next = new int[size];
        prev = new int[size];
        releasedAt = new long[size];
        owner = new long[size];
        for (int i = 0; i < size; i++) {
            pool[i] = i;
            slot[i] = i;
        }
        poolSize = size;
    }

    /** The owner key of an inside endpoint (address and port, or address and ICMP identifier). */
    public static long owner(int insideAddress, int insidePort) {
        return (Integer.toUnsignedLong(insideAddress) << 16) | (insidePort & 0xffff);
    }

    /**
     * A port for the inside endpoint {@code insideAddress}:{@code preferred}: the preferred port when it
     * is in range and free (or cooling, released by this same endpoint at least the settle time ago),
     * else a random free port; -1 when no port is free (cooling ones do not count).
     */
    public int allocate(int insideAddress, int preferred, long now) {
        drain(now);
        int i = preferred - first;
        if (i >= 0 && i < slot.length) {
            if (slot[i] >= 0) {
                removeFromPool(i);
                return preferred;
            }
            if (slot[i] == COOLING && owner[i] == owner(insideAddress, preferred)
                    && now - releasedAt[i] >= settleMillis) {
                unlinkCooling(i);
                slot[i] = USED;
                return preferred;
            }
        }
        if (poolSize == 0) {
            return -1;
        }
        int taken = pool[random.nextInt(poolSize)];
        removeFromPool(taken);
        return taken + first;
    }

    /**
     * Marks a specific port used (a static mapping, or a binding found on the switch); false when it is
     * outside the range or in use. A cooling port is taken: the caller names this very port on purpose
     * (an operator, or the switch's own flows), which the reuse delay does not second-guess.
     */
    public boolean reserve(int port) {
        int i = port - first;
        if (i < 0 || i >= slot.length || slot[i] == USED) {
            return false;
        }
        if (slot[i] == COOLING) {
            unlinkCooling(i);
            slot[i] = USED;
        } else {
            removeFromPool(i);
        }
        return true;
    }

    /** {@link #release(int, long, long)} for a port whose owner is unknown: only the reuse delay frees it. */
    public boolean release(int port, long now) {
        return release(port, NO_OWNER, now);
    }

    /**
     * Returns a port used by {@code ownerKey} (see {@link #owner}); it cools for the reuse delay first.
     * Releasing a port that is not in use, or not ours, is a no-op (false).
     */
    public boolean release(int port, long ownerKey, long now) {
        int i = port - first;
        if (i < 0 || i >= slot.length || slot[i] != USED) {
            return false;
        }
        if (reuseDelayMillis == 0) {
            addToPool(i);
            return true;
        }
        slot[i] = COOLING;
        releasedAt[i] = now;
        owner[i] = ownerKey;
        next[i] = NONE;
        prev[i] = coolingTail;
        if (coolingTail == NONE) {
            coolingHead = i;
        } else {
            next[coolingTail] = i;
        }
        coolingTail = i;
        cooling++;
        return true;
    }

    public boolean inRange(int port) {
        int i = port - first;
        return i >= 0 && i < slot.length;
    }

    /** Not in use (free, or cooling). */
    public boolean isFree(int port) {
        int i = port - first;
        return i >= 0 && i < slot.length && slot[i] != USED;
    }

    /** Released less than the reuse delay ago (as of the last allocation). */
    public boolean isCooling(int port) {
        int i = port - first;
        return i >= 0 && i < slot.length && slot[i] == COOLING;
    }

    /** Ports not in use, cooling ones included. */
    public int freeCount() {
        return poolSize + cooling;
    }

    /** Ports released less than the reuse delay ago (as of the last allocation). */
    public int coolingCount() {
        return cooling;
    }

    public int capacity() {
        return slot.length;
    }

    /** Moves the ports whose reuse delay has passed from the cooling FIFO to the free pool. */
    private void drain(long now) {
        while (coolingHead != NONE && now - releasedAt[coolingHead] >= reuseDelayMillis) {
            int i = coolingHead;
            unlinkCooling(i);
            addToPool(i);
        }
    }

    private void unlinkCooling(int i) {
        if (prev[i] == NONE) {
            coolingHead = next[i];
        } else {
            next[prev[i]] = next[i];
        }
        if (next[i] == NONE) {
            coolingTail = prev[i];
        } else {
            prev[next[i]] = prev[i];
        }
        cooling--;
    }

    private void addToPool(int i) {
        pool[poolSize] = i;
        slot[i] = poolSize;
        poolSize++;
    }

    private void removeFromPool(int i) {
        int at = slot[i];
        int last = pool[--poolSize];
        pool[at] = last;
        slot[last] = at;
        slot[i] = USED;
    }

    @Override
    public String toString() {
        return "PortAllocator[" + first + "-" + (first + slot.length - 1) + ", free=" + poolSize + ", cooling="
                + cooling + "]";
    }
}
