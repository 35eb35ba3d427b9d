package io.flowmasq.controller.metrics;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.BindingListener;
import io.flowmasq.flowcompiler.Protocol;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One switch's binding births and deaths, turned into metrics and binding-log records. A binding has two
 * flows and the switch reports each removal separately; the log record waits for both (or at most
 * {@link #PARTNER_WAIT_MS}) so it carries the counters of both directions. Runs on the engine's thread.
 */
public final class BindingRecorder implements BindingListener {
    static final long PARTNER_WAIT_MS = 5_000;
    /** The enums' labels made once (label() builds a new string per call), so the metrics' lookups hash nothing. */
    private static final String[] PROTOCOL_LABELS =
            java.util.Arrays.stream(Protocol.values()).map(Protocol::label).toArray(String[]::new);
    private static final String[] ORIGIN_LABELS =
            java.util.Arrays.stream(Binding.Origin.values()).map(Binding.Origin::label).toArray(String[]::new);

    private final SwitchConfig config;
    private final String dpid;
    private final FlowmasqMetrics.SwitchSeries metrics;
    private final BindingLog log;
    private final Map<Protocol, AtomicLong> active = new EnumMap<>(Protocol.class);
    private final Map<Long, Pending> pending = new HashMap<>();

    private static final class Pending {
        final Binding binding;
        final String reason;
        final long removedAt;
        final long deadline;
        int flowsSeen;
        Long packetsOut;
        Long bytesOut;
        Long packetsIn;
        Long bytesIn;

        Pending(Binding binding, String reason, long removedAt) {
            this.binding = binding;
            this.reason = reason;
            this.removedAt = removedAt;
            this.deadline = removedAt + PARTNER_WAIT_MS;
        }

        void add(FlowCounts c) {
            flowsSeen++;
            if (c.outbound()) {
                packetsOut = c.packets();
                bytesOut = c.bytes();
            } else {
                packetsIn = c.packets();
                bytesIn = c.bytes();
            }
        }
    }

    public BindingRecorder(SwitchConfig config, FlowmasqMetrics metrics, BindingLog log) {
        this.config = config;
        this.dpid = config.dpid().toString();
        this.metrics = metrics.forSwitch(dpid);
        this.log = log;
        for (Protocol p : Protocol.values()) {
            active.put(p, new AtomicLong());
        }
    }

    /** Live bindings of this switch by protocol (read by the metrics gauge from any thread). */
    public long active(Protocol protocol) {
        return active.get(protocol).get();
    }

    @Override
    public void created(Binding b, long now) {
        active.get(b.protocol()).incrementAndGet();
        metrics.bindingCreated(PROTOCOL_LABELS[b.protocol().ordinal()], ORIGIN_LABELS[b.origin().ordinal()]);
        if (log.enabled()) {
            log.record(event(b, BindingEvent.CREATED, null, now, null));
        }
    }

    @Override
    public void removed(Binding b, RemovalReason reason, FlowCounts removedFlow, long now) {
        active.get(b.protocol()).decrementAndGet();
        metrics.bindingRemoved(PROTOCOL_LABELS[b.protocol().ordinal()], reason.label());
        if (!log.enabled()) {
            return;
        }
        Pending p = new Pending(b, reason.label(), now);
        if (removedFlow != null) {
            p.add(removedFlow);
        }
        pending.put(b.id(), p);
    }

    @Override
    public void partnerFlowRemoved(long bindingId, FlowCounts counts, long now) {
        Pending p = pending.get(bindingId);
        if (p == null) {
            return;
        }
        p.add(counts);
        if (p.flowsSeen >= 2) {
            pending.remove(bindingId);
            write(p);
        }
    }

    @Override
    public void tick(long now) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.deadline <= now) {
                it.remove();
                write(p); // the missing direction's counters stay null: unknown, not zero
            }
        }
    }

    private void write(Pending p) {
        log.record(event(p.binding, BindingEvent.REMOVED, p.reason, p.removedAt, p));
    }

    private BindingEvent event(Binding b, String kind, String reason, long at, Pending counts) {
        return new BindingEvent(Instant.ofEpochMilli(at), kind, dpid, config.name(), b.id(), b.protocol().label(),
                b.inside().address().toString(), b.inside().port(), b.external().address().toString(),
                b.external().port(), b.spec().remote() == null ? null : b.spec().remote().toString(),
                b.origin().label(), reason, counts == null ? null : Math.max(0, (at - b.createdAt()) / 1000),
                counts == null ? null : counts.packetsOut, counts == null ? null : counts.bytesOut,
                counts == null ? null : counts.packetsIn, counts == null ? null : counts.bytesIn);
    }
}
