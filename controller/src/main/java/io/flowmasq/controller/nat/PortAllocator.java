package io.flowmasq.controller.nat;

import java.util.Arrays;

/**
 * Hands out the ports of one range on one public address for one protocol, in O(1).
 *
 * <p>Free ports sit in a FIFO (an intrusive doubly linked list over arrays): allocation takes the
 * head, or unlinks the preferred port when it is free (port preservation); a released port goes to
 * the tail, so a port freed by expiry is the last to be handed out again. No scans of the range.
 *
 * <p>A port released less than {@code cooldownMillis} ago is not preserved for a new binding even
 * when asked for: packets of the old binding may still be in flight, and a switch's datapath may
 * still cache the old binding's (or the table miss's) actions for that port for a few seconds
 * (Open vSwitch revalidates its megaflows asynchronously and keeps idle ones for 10 s), which
 * would drop the first reply of the new binding.
 */
public final class PortAllocator {
    private static final int NONE = -1;
    private final int first;
    private final int[] next;
    private final int[] prev;
    private final boolean[] used;
    private final long[] releasedAt;
    private final long cooldownMillis;
    private int head;
    private int tail;
    private int free;

    public PortAllocator(int first, int last) {
        this(first, last, 0);
    }

    public PortAllocator(int first, int last, long cooldownMillis) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
        if (cooldownMillis < 0) {
            throw new IllegalArgumentException("negative cooldown " + cooldownMillis);
        }
        this.cooldownMillis = cooldownMillis;
        this.first = first;
        int size = last - first + 1;
        next = new int[size];
        prev = new int[size];
        used = new boolean[size];
        releasedAt = new long[size];
        java.util.Arrays.fill(releasedAt, Long.MIN_VALUE / 2);
        for (int i = 0; i < size; i++) {
            next[i] = i + 1 < size ? i + 1 : NONE;
            prev[i] = i - 1;
        }
        head = 0;
        tail = size - 1;
        free = size;
    }

    /** {@link #allocate(int, long)} for a caller without a clock (no cooldown applies). */
    public int allocate(int preferred) {
        return allocate(preferred, Long.MAX_VALUE / 2);
    }

    /**
     * The preferred port if it is in range, free and out of its cooldown, else the longest-free
     * port; -1 when exhausted.
     */
    public int allocate(int preferred, long now) {
        int i = preferred - first;
        if (i >= 0 && i < used.length && !used[i] && now - releasedAt[i] >= cooldownMillis) {
            take(i);
            return preferred;
        }
        if (head == NONE) {
            return -1;
        }
        int taken = head;
        take(taken);
        return taken + first;
    }

    /** Marks a specific port used (a static mapping); false when it is outside the range or taken. */
    public boolean reserve(int port) {
        int i = port - first;
        if (i < 0 || i >= used.length || used[i]) {
            return false;
        }
        take(i);
        return true;
    }

    /** {@link #release(int, long)} for a caller without a clock. */
    public boolean release(int port) {
        return release(port, Long.MIN_VALUE / 2);
    }

    /** Returns a port to the tail of the free list; releasing a free or foreign port is a no-op (false). */
    public boolean release(int port, long now) {
        int i = port - first;
        if (i < 0 || i >= used.length || !used[i]) {
            return false;
        }
        used[i] = false;
        releasedAt[i] = now;
        next[i] = NONE;
        prev[i] = tail;
        if (tail == NONE) {
            head = i;
        } else {
            next[tail] = i;
        }
        tail = i;
        free++;
        return true;
    }

    public boolean inRange(int port) {
        int i = port - first;
        return i >= 0 && i < used.length;
    }

    public boolean isFree(int port) {
        int i = port - first;
        return i >= 0 && i < used.length && !used[i];
    }

    public int freeCount() {
        return free;
    }

    public int capacity() {
        return used.length;
    }

    private void take(int i) {
        if (prev[i] == NONE) {
            head = next[i];
        } else {
            next[prev[i]] = next[i];
        }
        if (next[i] == NONE) {
            tail = prev[i];
        } else {
            prev[next[i]] = prev[i];
        }
        used[i] = true;
        free--;
    }

    @Override
    public String toString() {
        return "PortAllocator[" + first + "-" + (first + used.length - 1) + ", free=" + free + "]";
    }

    int[] freeOrderForTest() {
        int[] out = new int[free];
        int k = 0;
        for (int i = head; i != NONE; i = next[i]) {
            out[k++] = i + first;
        }
        return Arrays.copyOf(out, k);
    }
}
