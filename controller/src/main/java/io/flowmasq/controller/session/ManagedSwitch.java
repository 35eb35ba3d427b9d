package io.flowmasq.controller.session;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.nat.RuleChange;
import io.flowmasq.controller.nat.RuleInsertion;
import io.flowmasq.controller.nat.rules.RuleChain;
import io.flowmasq.controller.nat.RuleStatus;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.controller.nat.StaticOutcome;
import io.flowmasq.controller.nat.StaticRequest;
import io.flowmasq.controller.openflow.SwitchConnection;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.rest.NatServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import io.flowmasq.flowcompiler.FlowDecompiler;
import io.flowmasq.flowcompiler.InstalledFlow;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured switch for the life of the controller: its NAT engine (which outlives reconnects, since
 * the switch keeps its flows), its current connection, the barrier waits of operator requests and the
 * last flow statistics.
 *
 * <p>The engine is driven from two sides: the switch's event loop (packet-ins, FLOW_REMOVED, ticks) and
 * the REST threads (snapshots, deletes, static bindings). Every call into the engine holds this switch's
 * lock, and messages are queued to the connection before the lock is released, so the switch receives
 * them in the order the engine made them. The lock is held for microseconds; a snapshot copies
 * references only.
 */
public final class ManagedSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedSwitch.class);
    static final long BARRIER_TIMEOUT_MS = 5_000;
    /** How long a static binding waits for ARP to find its inside host (and the next hop). */
    static final long RESOLVE_TIMEOUT_MS = 3_000;
    static final long RESOLVE_RETRY_MS = 200;

    private final SwitchConfig config;
    private final EngineFactory engines;
    private final long statsIntervalMillis;
    private final SwitchMetrics metrics;
    private final String dpid;
    private final Object lock = new Object();
    private final BarrierWaits barriers = new BarrierWaits(BARRIER_TIMEOUT_MS);
    private NatEngine engine; // guarded by lock
    /** The rule chain in force: the config's, then the operator's changes; a new engine starts with it. */
    private List<Rule> rules; // guarded by lock
    private FlowCompiler compiler; // guarded by lock
    private FlowStatsPoller poller; // event loop only
    private volatile SwitchConnection connection;
    private volatile boolean connected;
    private volatile TrafficTable traffic = TrafficTable.EMPTY;
    private volatile List<SwitchPort> ports = List.of();
    private RebuildGate gate; // guarded by lock; null before the first connect
    private volatile boolean ready;

    /** Makes the engine of a switch (shared binding ids, listener, counters). */
    public interface EngineFactory {
        NatEngine create(SwitchConfig config, FlowCompiler compiler);
    }

    ManagedSwitch(SwitchConfig config, EngineFactory engines, long statsIntervalMillis, SwitchMetrics metrics) {
        this.rules = config.rules();
        this.metrics = metrics;
        this.dpid = config.dpid().toString();
        this.config = config;
        this.engines = engines;
        this.statsIntervalMillis = statsIntervalMillis;
    }

    SwitchConfig config() {
        return config;
    }

    /**
     * A new connection of this switch. Keeps the engine (and so the bindings, whose flows the switch
     * still has) unless the switch now speaks another OpenFlow version.
     */
    void attach(SwitchConnection newConnection, FlowCompiler newCompiler, long now) {
        synchronized (lock) {
            if (engine != null && compiler.version() != newCompiler.version()) {
                LOG.warn("switch {} came back speaking {} instead of {}: starting with an empty binding table",
                        config.dpid(), newCompiler.version(), compiler.version());
                engine = null;
            }
            if (engine == null) {
                engine = engines.create(config.withRules(rules), newCompiler);
            }
            compiler = newCompiler;
            connection = newConnection;
            connected = true;
            poller = new FlowStatsPoller(newCompiler, config.outside().port(), statsIntervalMillis, now);
            traffic = TrafficTable.EMPTY;
            gate = null;
            ready = false;
        }
    }

    /**
     * After the pipeline: asks for every flow of the switch, to rebuild the binding table from them
     * ({@link RebuildGate}). Packet-ins and FLOW_REMOVEDs are held until the repairs are confirmed.
     */
    void startRebuild(long now) {
        synchronized (lock) {
            OFMessage request = compiler.flowStatsRequest();
            gate = new RebuildGate(request.getXid(), now);
            sendOne(request);
        }
    }

    /** Whether the switch's binding table has been checked against its flows since it (re)connected. */
    boolean ready() {
        return connected && ready;
    }

    /**
     * Runs a packet-in or FLOW_REMOVED through the engine, or holds it while the binding table is being
     * rebuilt (dropped and counted when too many are held).
     */
    void onSwitchEvent(OFMessage message, long now) {
        synchronized (lock) {
            RebuildGate.Hold hold = gate == null ? RebuildGate.Hold.PASS : gate.hold(message, now);
            if (hold == RebuildGate.Hold.PASS) {
                send(dispatch(message, now));
            } else if (hold == RebuildGate.Hold.DROPPED) {
                engine.count("nat.rebuild.held_dropped");
            } else {
                engine.count("nat.rebuild.held");
            }
        }
    }

    private List<OFMessage> dispatch(OFMessage message, long now) {
        if (message instanceof OFPacketIn packetIn) {
            return engine.onPacketIn(packetIn, now);
        }
        if (message instanceof OFFlowRemoved removed) {
            return engine.onFlowRemoved(removed, now);
        }
        return List.of();
    }

    /** The connection went away; operator requests waiting on it fail now rather than at their deadline. */
    void detach(SwitchConnection old) {
        synchronized (lock) {
            if (connection != old) {
                return;
            }
            connected = false;
            ready = false;
        }
        barriers.failAll(() -> NatServiceException.unavailable("switch " + config.name()
                + " disconnected before confirming the change"));
    }

    /** Runs one engine event and sends what it answers. */
    void handle(Function<NatEngine, List<OFMessage>> event) {
        synchronized (lock) {
            send(event.apply(engine));
        }
    }

    /** Once a second on the event loop: statistics poll and barrier deadlines. */
    void onTick(long now) {
        barriers.expire(now, () -> NatServiceException.unavailable("switch " + config.name()
                + " did not confirm the change within " + BARRIER_TIMEOUT_MS + " ms"));
        synchronized (lock) {
            if (gate != null && !gate.ready()) {
                RebuildGate.Expired expired = gate.expire(now);
                for (int i = 0; i < expired.dropped(); i++) {
                    engine.count("nat.rebuild.held_expired");
                }
                if (expired.timedOut() != null) {
                    giveUp(expired.timedOut(), now);
                }
                return; // no statistics polls until the rebuild is done
            }
        }
        poller.poll(now).ifPresent(this::sendOne);
    }

    /*
     * Deliberate fallback: a switch that does not answer the flow-stats request (or the barrier) in time is
     * not cut off; the engine carries on with the bindings it has (none after a restart) and warns, since
     * a new binding may then be given a public port an unseen old flow still uses.
     */
    private void giveUp(RebuildGate.Phase step, long now) {
        engine.count("nat.rebuild.timeout");
        LOG.warn("switch {}: no {} within {} ms: binding table {} checked against the switch; carrying on with"
                + " {} bindings", config.name(), step == RebuildGate.Phase.COLLECTING ? "flow statistics"
                : "barrier reply", RebuildGate.STEP_TIMEOUT_MS, step == RebuildGate.Phase.COLLECTING ? "NOT"
                : "repaired but not confirmed,", engine.bindings().size());
        gate.giveUp();
        release(now);
    }

    /** The switch is ready: held events go through the engine in arrival order. */
    private void release(long now) {
        ready = true;
        List<OFMessage> held = gate.drain();
        for (OFMessage m : held) {
            send(dispatch(m, now));
        }
        LOG.info("switch {} ready: {} bindings live, {} held packet-ins and flow removals handled", config.name(),
                engine.bindings().size(), held.size());
    }

    void onBarrierReply(long xid, long now) {
        synchronized (lock) {
            if (gate != null && gate.onBarrierReply(xid)) {
                release(now);
                return;
            }
        }
        barriers.complete(xid);
    }

    /**
     * An error from the switch: the engine gives up a binding whose flows found no room, and an operator
     * request whose messages the switch refused fails now, saying why, rather than report success at the
     * barrier.
     */
    void onError(OFErrorMsg error, long now) {
        handle(engine -> engine.onError(error, now));
        barriers.fail(error.getXid(), () -> FlowCompiler.isTableFull(error)
                ? NatServiceException.unavailable("switch " + config.name() + ": flow table full; the switch"
                        + " refused the binding's flows (" + error.getErrType() + ") and the binding was given up")
                : NatServiceException.unavailable("switch " + config.name() + " answered the change with an error ("
                        + error.getErrType() + "); what it did install stays listed until deleted"));
    }

    void onFlowStats(OFFlowStatsReply reply, long now) {
        synchronized (lock) {
            Optional<List<OFFlowStatsEntry>> all = gate == null ? Optional.empty() : gate.onFlowStats(reply);
            if (all.isPresent()) {
                rebuild(all.get(), now);
                return;
            }
        }
        poller.onReply(reply, traffic, now).ifPresent(t -> {
            traffic = t;
            if (engine != null) { // the byte counters a virtual server's "bytes" policy schedules by
                engine.onTrafficPolled(id -> t.of(id).map(x -> x.bytesIn() + x.bytesOut()), t.asOf(), now);
            }
        });
    }

    /** Reconciles the engine with the switch's flows, sends the repairs and a barrier; fills the traffic table. */
    private void rebuild(List<OFFlowStatsEntry> entries, long now) {
        List<InstalledFlow> flows = FlowDecompiler.decompile(entries);
        NatEngine.Rebuilt rebuilt = engine.reconcile(flows, now);
        OFMessage barrier = compiler.barrier();
        gate.confirming(barrier.getXid(), now);
        List<OFMessage> out = new ArrayList<>(rebuilt.messages());
        out.add(barrier);
        send(out);
        traffic = traffic.next(FlowStatsPoller.bindingCounters(compiler, config.outside().port(), entries),
                entries.size(), now);
    }

    void setPorts(List<SwitchPort> described) {
        ports = List.copyOf(described);
    }

    List<SwitchPort> ports() {
        return ports;
    }

    TrafficTable traffic() {
        return traffic;
    }

    boolean connected() {
        return connected;
    }

    Optional<SwitchConnection> connection() {
        return Optional.ofNullable(connection);
    }

    /** The OpenFlow version of the current (or last) connection, or null before the first. */
    OFVersion version() {
        synchronized (lock) {
            return compiler == null ? null : compiler.version();
        }
    }

    boolean tracksTcpFlags() {
        synchronized (lock) {
            return compiler != null && compiler.supportsTcpFlags();
        }
    }

    /** This switch's bindings at one instant. */
    List<Binding> snapshot() {
        synchronized (lock) {
            return engine == null ? List.of() : engine.snapshot();
        }
    }

    /** This switch's bindings and what the ALGs keep under them, at one instant. */
    Snapshot snapshotWithChildren(long now) {
        synchronized (lock) {
            return engine == null ? new Snapshot(List.of(), java.util.Map.of())
                    : new Snapshot(engine.snapshot(), engine.algChildren(now));
        }
    }

    /** Bindings and, by control binding id, their ALG children. */
    record Snapshot(List<Binding> bindings, java.util.Map<Long, List<io.flowmasq.controller.nat.AlgChild>> children) {
    }

    int bindingCount() {
        synchronized (lock) {
            return engine == null ? 0 : engine.bindings().size();
        }
    }

    boolean hasBinding(long id) {
        synchronized (lock) {
            return engine != null && engine.bindings().byId(id).isPresent();
        }
    }

    /**
     * Deletes a binding's flows and releases it; completes with true once the switch confirms, false
     * when this switch has no such binding.
     */
    CompletableFuture<Boolean> delete(long id, long now) {
        synchronized (lock) {
            if (engine == null || engine.bindings().byId(id).isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            if (!connected) {
                return CompletableFuture.failedFuture(NatServiceException.unavailable("switch " + config.name()
                        + " is not connected: binding " + id + "'s flows cannot be removed now"));
            }
            List<OFMessage> messages = engine.deleteBinding(id, now).orElseThrow();
            return sendConfirmed(messages, now).thenApply(v -> true);
        }
    }

    /**
     * Creates a static binding; completes once the switch confirms its flows. While ARP has not found the
     * inside host (or the next hop) it asks again every {@link #RESOLVE_RETRY_MS} for
     * {@link #RESOLVE_TIMEOUT_MS}.
     */
    CompletableFuture<Binding> createStatic(StaticRequest request, LongSupplier clock,
                                            ScheduledExecutorService retries) {
        CompletableFuture<Binding> result = new CompletableFuture<>();
        attemptStatic(request, clock, retries, clock.getAsLong() + RESOLVE_TIMEOUT_MS, result);
        return result;
    }

    private void attemptStatic(StaticRequest request, LongSupplier clock, ScheduledExecutorService retries,
                               long giveUpAt, CompletableFuture<Binding> result) {
        long now = clock.getAsLong();
        synchronized (lock) {
            if (!connected || engine == null) {
                result.completeExceptionally(NatServiceException.unavailable("switch " + config.name()
                        + " is not connected"));
                return;
            }
            StaticOutcome outcome = engine.createStatic(request, now);
            if (outcome instanceof StaticOutcome.Created created) {
                sendConfirmed(created.messages(), now).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(created.binding());
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } else if (outcome instanceof StaticOutcome.Refused refused) {
                result.completeExceptionally(new NatServiceException(
                        refused.conflict() ? NatServiceException.Kind.CONFLICT : NatServiceException.Kind.INVALID,
                        refused.field(), refused.message(), refused.conflicting()));
            } else if (outcome instanceof StaticOutcome.Unresolved unresolved) {
                send(unresolved.messages());
                if (now >= giveUpAt) {
                    result.completeExceptionally(NatServiceException.unavailable(unresolved.what() + " within "
                            + RESOLVE_TIMEOUT_MS + " ms"));
                    return;
                }
                retries.schedule(() -> attemptStatic(request, clock, retries, giveUpAt, result),
                        RESOLVE_RETRY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The rule chain as it stands (what the rules file keeps). */
    List<Rule> ruleChain() {
        synchronized (lock) {
            return List.copyOf(rules);
        }
    }

    /** The rule chain with each rule's position and what it is doing (nothing live before the first connect). */
    List<RuleStatus> rules(long now) {
        synchronized (lock) {
            if (engine != null) {
                return engine.ruleStatuses(now);
            }
            List<RuleStatus> out = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                out.add(new RuleStatus(i + 1, rules.get(i), java.util.Map.of()));
            }
            return out;
        }
    }

    /**
     * Adds a rule at {@code position}; completes once the switch has confirmed its flows (at once when the
     * switch is not connected: they go in when it connects). Refusals complete exceptionally with a
     * {@link NatServiceException} naming the field, or the rule in the way.
     */
    CompletableFuture<RuleChange.Applied> addRule(Rule rule, int position, long now) {
        synchronized (lock) {
            RuleChange change;
            if (engine != null) {
                change = engine.addRule(rule, position, now);
            } else {
                change = RuleInsertion.refusal(RuleChain.of(rules), config, rule, position)
                        .<RuleChange>map(r -> r).orElse(new RuleChange.Applied(rule, position, List.of(), 0));
            }
            if (change instanceof RuleChange.Refused r) {
                return CompletableFuture.failedFuture(refusal(r));
            }
            RuleChange.Applied applied = (RuleChange.Applied) change;
            rules = engine != null ? engine.rules() : RuleChain.of(rules).insert(position, rule).rules();
            return confirmed(applied, now);
        }
    }

    /** Deletes rule {@code id} with its flows and bindings; empty when there is no such rule. */
    Optional<CompletableFuture<RuleChange.Applied>> deleteRule(String id, long now) {
        synchronized (lock) {
            if (engine == null) {
                Optional<Rule> gone = rules.stream().filter(r -> r.id().equals(id)).findFirst();
                gone.ifPresent(g -> rules = rules.stream().filter(r -> !r.id().equals(id)).toList());
                return gone.map(g -> CompletableFuture.completedFuture(new RuleChange.Applied(g, 0, List.of(), 0)));
            }
            Optional<RuleChange.Applied> applied = engine.deleteRule(id, now);
            if (applied.isEmpty()) {
                return Optional.empty();
            }
            rules = engine.rules();
            return Optional.of(confirmed(applied.get(), now));
        }
    }

    private CompletableFuture<RuleChange.Applied> confirmed(RuleChange.Applied applied, long now) {
        if (!connected || applied.messages().isEmpty()) {
            return CompletableFuture.completedFuture(applied);
        }
        return sendConfirmed(applied.messages(), now).thenApply(v -> applied);
    }

    private static NatServiceException refusal(RuleChange.Refused r) {
        if (r.conflictsWith() != null) {
            return NatServiceException.ruleConflict(r.field(), r.message(), r.conflictsWith());
        }
        return r.conflict() ? new NatServiceException(NatServiceException.Kind.CONFLICT, r.field(), r.message(),
                null) : NatServiceException.invalid(r.field(), r.message());
    }

    /** Sends the messages and a barrier; the future completes when the switch answers the barrier. */
    private CompletableFuture<Void> sendConfirmed(List<OFMessage> messages, long now) {
        OFMessage barrier = compiler.barrier();
        CompletableFuture<Void> confirmed = barriers.register(barrier.getXid(),
                messages.stream().map(OFMessage::getXid).toList(), now);
        List<OFMessage> out = new ArrayList<>(messages);
        out.add(barrier);
        send(out);
        return confirmed;
    }

    private void send(List<OFMessage> messages) {
        SwitchConnection c = connection;
        if (!messages.isEmpty() && c != null) {
            c.send(messages);
            metrics.sent(dpid, messages);
        }
    }

    private void sendOne(OFMessage message) {
        send(List.of(message));
    }

    /** A port as the switch described it. */
    record SwitchPort(long number, String name, String mac, boolean up) {
    }
}
