package io.flowmasq.controller.nat.vs;

import io.flowmasq.flowcompiler.rules.PortSpan;
import java.util.BitSet;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The source ports of one switch's health-check probes, shared by the health checkers of all its virtual
 * servers (they all probe from the gateway's inside address, so their ports must differ). The span must lie
 * outside the NAPT port range of the gateway's addresses, or a probe's reply could be taken for a binding's
 * traffic and the other way round. Ports are handed out in turn, so a port is reused as late as possible and a
 * late reply to an old probe finds no probe, or one with another sequence number. Not thread safe.
 */
public final class ProbePorts {
    /** Above Linux's default ephemeral range (32768-60999), below the usual 62000+ of other tools. */
    public static final PortSpan DEFAULT_SPAN = new PortSpan(61000, 61999);

    private final PortSpan span;
    private final BitSet inUse;
    private int cursor;

    public ProbePorts(PortSpan span) {
        this.span = Objects.requireNonNull(span, "span");
        if (span.first() < 1) {
            throw new IllegalArgumentException("probe ports must be 1..65535: " + span);
        }
        this.inUse = new BitSet(span.size());
    }

    public ProbePorts() {
        this(DEFAULT_SPAN);
    }

    public PortSpan span() {
        return span;
    }

    public boolean contains(int port) {
        return span.contains(port);
    }

    /** A free port, taken; empty when all are out on probes. */
    public OptionalInt acquire() {
        int n = span.size();
        for (int i = 0; i < n; i++) {
            int offset = (cursor + i) % n;
            if (!inUse.get(offset)) {
                inUse.set(offset);
                cursor = (offset + 1) % n;
                return OptionalInt.of(span.first() + offset);
            }
        }
        return OptionalInt.empty();
    }

    public void release(int port) {
        if (span.contains(port)) {
            inUse.clear(port - span.first());
        }
    }

    public int inUse() {
        return inUse.cardinality();
    }
}
