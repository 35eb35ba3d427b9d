package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.flowcompiler.BindingHalf;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a switch's binding table from the flows the switch reports (flow stats) after a controller
 * restart or a reconnect: the switch is the source of truth for what is installed. Pure apart from the
 * table, allocator and ids it is given; the caller sends the returned messages.
 *
 * <p>Per binding id (the cookie's 48 bits):
 * <ul>
 *   <li>known to the engine, flows as expected: kept. Known, a flow missing or out of date (a re-time or
 *       a half-installed binding whose flow-mod was lost in the drop): that flow is installed again.
 *       Known, no flows at all: released (the switch expired or lost it while the channel was down), except
 *       a static binding, whose flows are installed again. Known, flows that contradict its spec: released
 *       and the flows deleted.</li>
 *   <li>unknown (a restart): both flows there → adopted with the same id, its public port reserved, its
 *       state read from the flows (idle timeout 0: static; a handshake report flow (SYN-ACK to the
 *       controller) beside them: TCP TRANSITORY; the transitory timeout where TCP is tracked: CLOSING; else
 *       ESTABLISHED/ACTIVE) and created {@code duration} ago. One flow only → the other is installed again
 *       when the spec can be completed (the missing MACs from the binding's sibling flows or the config), else
 *       deleted. A handshake report flow without either of the binding's flows is deleted.</li>
 *   <li>handshake report flows follow the state: deleted (strictly: the binding's other flows share the
 *       cookie) where the binding is not TRANSITORY; where a TRANSITORY binding the engine knows lost its
 *       handshake flow, one is installed for each direction, since the binding does not record which
 *       direction its answer comes from (the unused one goes with the binding).</li>
 *   <li>two bindings on one public endpoint (or inside endpoint and remote): the engine's, else the lower
 *       id, wins; the other is deleted. FTP ALG flows of unknown connections (every segment to the
 *       controller) are deleted: the ALG's sequence deltas and parser state are lost with the controller,
 *       and the flows do not even show the L2 hops. Hairpin flows are all deleted (made again on the next
 *       packet), as are flows with our tag and an unknown kind, and binding flows the compiler would not
 *       make.</li>
 * </ul>
 * Ids seen are passed to {@link BindingIds#advancePast} so new bindings never reuse a cookie.
 */
final class BindingRebuilder {
    private static final Logger LOG = LoggerFactory.getLogger(BindingRebuilder.class);

    /** Releases a binding the switch lost (as the engine releases any binding) and returns its side messages. */
    interface Releaser {
        List<OFMessage> releaseLost(Binding binding, long now);
    }

    /** What a rebuild sends, and what it decided. */
    record Result(List<OFMessage> messages, RebuildSummary summary) {
    }

    /** Whether an address is one of the rule chain's translated public addresses. */
    private final Predicate<IPv4Address> isPublic;
    private final RuleClaims claims;

    /** What the rule chain says about the flows and bindings a rebuild finds. */
    interface RuleClaims {
        /** Whether a rule flow (kind 0x04) is still wanted: its rule exists and made it; else it is deleted. */
        boolean keeps(InstalledFlow ruleFlow);

        /** Whether the public port of a binding found is held by a rule (a forward, a virtual server). */
        boolean holdsPort(BindingSpec s);

        /**
         * The binding is adopted: the number of the rule that claims it (0 for none), with what the rule keeps
         * about it (a pool's lease, a virtual server's connection count) taken up.
         */
        int adopt(BindingSpec s, boolean firstOfMapping);

        /** A port forward's binding whose rule is gone: deleted, not adopted. */
        boolean orphanForward(long id);

        /** Whether the binding is a virtual server's session, whose public endpoint all its servers share. */
        boolean sharesPublicEndpoint(BindingSpec s);

        RuleClaims NONE = new RuleClaims() {
            @Override
            public boolean keeps(InstalledFlow ruleFlow) {
                return false;
            }

            @Override
            public boolean holdsPort(BindingSpec s) {
                return false;
            }

            @Override
            public int adopt(BindingSpec s, boolean firstOfMapping) {
                return 0;
            }

            @Override
            public boolean orphanForward(long id) {
                return RuleCookies.isForwardId(id);
            }

            @Override
            public boolean sharesPublicEndpoint(BindingSpec s) {
                return false;
            }
        };
    }
    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable table;
    private final NaptAllocator allocator;
    private final BindingIds ids;
    private final BindingListener listener;
    private final CounterSink counters;
    private final LongPredicate isAlg;

    BindingRebuilder(SwitchConfig config, FlowCompiler compiler, BindingTable table, NaptAllocator allocator,
                     BindingIds ids, BindingListener listener, CounterSink counters, LongPredicate isAlg,
                     Predicate<IPv4Address> isPublic, RuleClaims claims) {
        this.isPublic = isPublic;
        this.claims = claims;
        this.config = config;
        this.compiler = compiler;
        this.table = table;
        this.allocator = allocator;
        this.ids = ids;
        this.listener = listener;
        this.counters = counters;
        this.isAlg = isAlg;
    }

    /** One run's running tally and output. */
    private final class Run {
        final long now;
        final List<OFMessage> out = new ArrayList<>();
        final Map<String, Integer> removed = new TreeMap<>();
        int adopted;
        int kept;
        int repaired;
        int released;
        /** Ids the first pass handled (kept, repaired, released or deleted): not adopted afresh. */
        final Set<Long> checked = new HashSet<>();

        Run(long now) {
            this.now = now;
        }

        void remove(String reason, long id, List<InstalledFlow> flows, String detail) {
            removed.merge(reason, 1, Integer::sum);
            counters.increment("nat.rebuild.removed." + reason);
            LOG.info("switch {}: rebuild: binding {} deleted from the switch ({}: {})", config.name(), id, reason,
                    detail);
            deleteFlows(flows);
        }

        void deleteFlows(List<InstalledFlow> flows) {
            Set<Long> cookiesDeleted = new HashSet<>();
            for (InstalledFlow f : flows) {
                // OF1.3 deletes by exact cookie: once per cookie is enough
                if (compiler.version() == OFVersion.OF_10
                        || cookiesDeleted.add(f.cookie().getValue())) {
                    out.addAll(compiler.deleteFlow(f.cookie(), f.priority(), f.match()));
                }
            }
        }

        void repaired(long id, String what) {
            repaired++;
            counters.increment("nat.rebuild.repaired");
            LOG.info("switch {}: rebuild: binding {} repaired ({})", config.name(), id, what);
        }
    }

    Result rebuild(List<InstalledFlow> flows, long now, Releaser releaser) {
        Run run = new Run(now);
        counters.increment("nat.rebuild.runs");
        Map<Long, List<InstalledFlow>> byId = new TreeMap<>();
        Map<Long, List<InstalledFlow>> hairpins = new TreeMap<>();
        List<InstalledFlow> unknownKind = new ArrayList<>();
        long maxId = 0;
        for (InstalledFlow f : flows) {
            switch (f.kind()) {
                case BINDING:
                    byId.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(f);
                    if (!RuleCookies.isForwardId(f.id())) { // forwards' ids are their rule's, not the counter's
                        maxId = Math.max(maxId, f.id());
                    }
                    break;
                case HAIRPIN:
                    hairpins.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(f);
                    break;
                case UNKNOWN_KIND:
                    unknownKind.add(f);
                    break;
                case RULE:
                    if (!claims.keeps(f)) { // a deleted rule's, or a twice-NAT pair (made again on demand)
                        run.removed.merge("rule_flow", 1, Integer::sum);
                        counters.increment("nat.rebuild.removed.rule_flow");
                        run.deleteFlows(List.of(f));
                    }
                    break;
                default:
                    break; // the pipeline is re-added on every connect; others' flows are not ours to touch
            }
        }
        ids.advancePast(maxId);
        hairpins.forEach((id, fs) -> run.remove("hairpin", id, fs, "made again on demand"));
        for (InstalledFlow f : unknownKind) {
            run.remove("unknown_kind", f.id(), List.of(f), "cookie " + f.cookie());
        }
        List<Binding> known = new ArrayList<>(table.all());
        known.sort(Comparator.comparingLong(Binding::id));
        for (Binding b : known) {
            check(run, b, byId.getOrDefault(b.id(), List.of()), releaser);
        }
        Map<IPv4Address, BindingHalf> hosts = new HashMap<>();
        BindingHalf outside = null;
        for (List<InstalledFlow> fs : byId.values()) {
            for (InstalledFlow f : fs) {
                BindingHalf h = f.half();
                if (h != null && h.hostMac() != null) {
                    hosts.putIfAbsent(h.inside().address(), h);
                }
                if (outside == null && h != null && h.nextHopMac() != null) {
                    outside = h;
                }
            }
        }
        for (Map.Entry<Long, List<InstalledFlow>> e : byId.entrySet()) {
            if (!run.checked.contains(e.getKey())) {
                adopt(run, e.getKey(), e.getValue(), hosts, outside);
            }
        }
        RebuildSummary summary = new RebuildSummary(flows.size(), run.adopted, run.kept, run.repaired, run.removed,
                run.released);
        return new Result(run.out, summary);
    }

    /** A binding the engine has, against what the switch has under its id. */
    private void check(Run run, Binding b, List<InstalledFlow> flows, Releaser releaser) {
        run.checked.add(b.id());
        boolean alg = isAlg.test(b.id());
        BindingHalf expected = BindingHalf.of(b.spec());
        InstalledFlow out = null;
        InstalledFlow in = null;
        List<InstalledFlow> handshakes = new ArrayList<>();
        for (InstalledFlow f : flows) {
            boolean fits = f.half() != null && expected.merge(f.half()).isPresent()
                    && (f.half().flavour() == BindingHalf.Flavour.ALG) == alg;
            if (!fits) {
                run.out.addAll(releaser.releaseLost(b, run.now));
                run.released++;
                counters.increment("nat.rebuild.released");
                run.remove("inconsistent", b.id(), flows, "flows do not match binding " + b.spec());
                return;
            }
            if (f.half().flavour() == BindingHalf.Flavour.REPORT) {
                handshakes.add(f);
            } else if (f.half().direction() == BindingHalf.Direction.OUTBOUND) {
                out = f;
            } else {
                in = f;
            }
        }
        if (out == null && in == null) {
            if (!handshakes.isEmpty()) {
                run.deleteFlows(handshakes); // by cookie where the version can: nothing else of it is left
            }
            if (b.isStatic()) {
                run.out.addAll(alg ? compiler.installAlgBinding(b.spec()) : compiler.installBinding(b.spec()));
                run.repaired(b.id(), "static binding's flows installed again");
                return;
            }
            run.out.addAll(releaser.releaseLost(b, run.now));
            run.released++;
            counters.increment("nat.rebuild.released");
            LOG.info("switch {}: rebuild: binding {} {} {} -> {} no longer on the switch: released", config.name(),
                    b.id(), b.protocol().label(), b.inside(), b.external());
            return;
        }
        boolean report = !alg && b.state() == BindingState.TRANSITORY;
        List<String> fixed = new ArrayList<>();
        if (report && handshakes.isEmpty()) {
            run.out.add(compiler.handshakeFlow(b.spec(), HandshakeReport.INBOUND));
            run.out.add(compiler.handshakeFlow(b.spec(), HandshakeReport.OUTBOUND));
            fixed.add("handshake report flows installed again");
        } else if (!report && !handshakes.isEmpty()) {
            deleteHandshakes(run, b.spec(), handshakes);
            fixed.add("handshake report flow of a " + b.state().label() + " binding deleted");
        }
        if (out == null || out.idleTimeout() != b.spec().idleTimeout()) {
            run.out.add(alg ? compiler.reinstallAlgOutbound(b.spec()) : compiler.reinstallOutbound(b.spec()));
            fixed.add(out == null ? "outbound flow installed again" : "outbound idle timeout " + out.idleTimeout()
                    + " -> " + b.spec().idleTimeout());
        }
        if (in == null) {
            run.out.add(alg ? compiler.installAlgInbound(b.spec()) : compiler.installInbound(b.spec()));
            fixed.add("inbound flow installed again");
        }
        if (fixed.isEmpty()) {
            run.kept++;
            counters.increment("nat.rebuild.kept");
        } else {
            run.repaired(b.id(), String.join(", ", fixed));
        }
    }

    /** A binding only the switch knows (a controller restart): take it over, repair or delete it. */
    private void adopt(Run run, long id, List<InstalledFlow> flows, Map<IPv4Address, BindingHalf> hosts,
                       BindingHalf outside) {
        InstalledFlow out = null;
        InstalledFlow in = null;
        List<InstalledFlow> handshakes = new ArrayList<>();
        for (InstalledFlow f : flows) {
            if (f.half() == null) {
                run.remove("undecodable", id, flows, f.undecodable());
                return;
            }
            if (f.half().flavour() == BindingHalf.Flavour.ALG) {
                run.remove("alg", id, flows, "FTP control connection: its ALG state is lost with the controller");
                return;
            }
            if (f.half().flavour() == BindingHalf.Flavour.REPORT) {
                handshakes.add(f);
                continue;
            }
            boolean outbound = f.half().direction() == BindingHalf.Direction.OUTBOUND;
            if ((outbound ? out : in) != null) {
                run.remove("duplicate_flow", id, flows, "two " + f.half().direction() + " flows");
                return;
            }
            if (outbound) {
                out = f;
            } else {
                in = f;
            }
        }
        if (out == null && in == null) {
            run.remove("orphan_handshake", id, flows, "a handshake report flow without the binding's flows");
            return;
        }
        Optional<BindingHalf> merged = out == null ? Optional.of(in.half())
                : in == null ? Optional.of(out.half()) : in.half().merge(out.half());
        for (InstalledFlow h : handshakes) {
            merged = merged.flatMap(m -> m.merge(h.half()));
        }
        if (merged.isEmpty()) {
            run.remove("inconsistent", id, flows, "its two flows describe different bindings");
            return;
        }
        BindingHalf facts = merged.get();
        if (out == null || in == null) {
            facts = complete(facts, hosts, outside);
        }
        int idle = out != null ? out.idleTimeout() : defaultIdle(facts.protocol(), !handshakes.isEmpty());
        Optional<BindingSpec> spec = facts.spec(id, idle);
        if (spec.isEmpty()) {
            run.remove("incomplete", id, flows, "only its " + (out == null ? "inbound" : "outbound")
                    + " flow, and the MACs of the other are not known");
            return;
        }
        BindingSpec s = spec.get();
        String misfit = misfit(s);
        if (misfit != null) {
            run.remove("config", id, flows, misfit);
            return;
        }
        String conflict = conflict(s);
        if (conflict != null) {
            run.remove("conflict", id, flows, conflict);
            return;
        }
        if (claims.orphanForward(id)) {
            run.remove("rule_deleted", id, flows, "a port forward whose rule is gone");
            return;
        }
        boolean firstOfMapping = table.sessions(s.protocol(), s.inside()) == 0;
        if (firstOfMapping && !claims.holdsPort(s)
                && allocator.reserve(s.protocol(), s.external()) == NaptAllocator.Reservation.IN_USE) {
            run.remove("port_in_use", id, flows, s.protocol().label() + " " + s.external() + " is taken");
            return;
        }
        BindingState state = stateOf(s, !handshakes.isEmpty());
        if (state != BindingState.TRANSITORY && !handshakes.isEmpty()) {
            deleteHandshakes(run, s, handshakes); // e.g. a static binding's: it is never re-timed
        }
        long age = Math.max(out == null ? 0 : out.durationMillis(), in == null ? 0 : in.durationMillis());
        Binding b = new Binding(s, run.now - age, state,
                s.idleTimeout() == 0 ? Binding.Origin.STATIC : Binding.Origin.DYNAMIC, claims.adopt(s, firstOfMapping));
        table.add(b);
        listener.adopted(b, run.now);
        if (out != null && in != null) {
            run.adopted++;
            counters.increment("nat.rebuild.adopted");
            LOG.debug("switch {}: rebuild: binding {} {} {} -> {} adopted ({}, idle {} s)", config.name(), id,
                    s.protocol().label(), s.inside(), s.external(), state.label(), s.idleTimeout());
            return;
        }
        run.out.add(out == null ? compiler.reinstallOutbound(s) : compiler.installInbound(s));
        run.repaired(id, "half-installed: " + (out == null ? "outbound" : "inbound") + " flow installed again");
    }

    /** The MACs a half lacks, from a sibling flow of the same inside host, the outside hop of any binding. */
    private BindingHalf complete(BindingHalf facts, Map<IPv4Address, BindingHalf> hosts, BindingHalf outside) {
        BindingHalf out = facts;
        if (out.hostMac() == null && out.inside() != null) {
            BindingHalf host = hosts.get(out.inside().address());
            if (host != null && host.insidePort().equals(out.insidePort())) {
                out = new BindingHalf(out.direction(), out.flavour(), out.protocol(), out.inside(), out.external(),
                        out.remote(), out.insidePort(), out.gatewayInsideMac(), host.hostMac(), out.outsidePort(),
                        out.gatewayOutsideMac(), out.nextHopMac());
            }
        }
        if (out.nextHopMac() == null && outside != null && outside.outsidePort().equals(out.outsidePort())) {
            out = new BindingHalf(out.direction(), out.flavour(), out.protocol(), out.inside(), out.external(),
                    out.remote(), out.insidePort(), out.gatewayInsideMac(), out.hostMac(), out.outsidePort(),
                    outside.gatewayOutsideMac(), outside.nextHopMac());
        }
        return out;
    }

    /** The timeout of a binding whose outbound flow (the one with the timer) is gone. */
    private int defaultIdle(Protocol protocol, boolean handshake) {
        BindingState state = handshake ? BindingState.TRANSITORY : BindingState.initial(protocol, false);
        return state.idleTimeout(protocol, config.timers());
    }

    /** Strict deletes of these handshake report flows alone: a cookie delete would take the binding's flows. */
    private void deleteHandshakes(Run run, BindingSpec s, List<InstalledFlow> handshakes) {
        for (InstalledFlow h : handshakes) {
            run.out.addAll(compiler.removeHandshake(s, h.half().direction() == BindingHalf.Direction.INBOUND
                    ? HandshakeReport.INBOUND : HandshakeReport.OUTBOUND));
        }
    }

    private BindingState stateOf(BindingSpec s, boolean handshake) {
        if (s.protocol() != Protocol.TCP) {
            return BindingState.ACTIVE;
        }
        if (s.idleTimeout() == 0) {
            return BindingState.initial(Protocol.TCP, false);
        }
        if (handshake && compiler.supportsTcpFlags()) {
            return BindingState.TRANSITORY;
        }
        boolean transitoryTimer = s.idleTimeout() == config.timers().tcpTransitory()
                && s.idleTimeout() != config.timers().tcpEstablished();
        if (!compiler.supportsTcpFlags() || !transitoryTimer) {
            return BindingState.ESTABLISHED;
        }
        // the transitory timer and no handshake flow: the handshake is over, so closing
        return BindingState.CLOSING;
    }

    /** Why the spec does not fit this switch's config (it changed since the flows were made); null when it fits. */
    private String misfit(BindingSpec s) {
        if (!s.toOutside().port().equals(config.outside().port())
                || !s.toOutside().source().equals(config.outside().mac())) {
            return "outside port/MAC " + s.toOutside().port() + "/" + s.toOutside().source() + " not configured";
        }
        if (!isPublic.test(s.external().address())) {
            return s.external().address() + " is not a public address";
        }
        Optional<InsideConfig> inside = config.inside().stream().filter(i -> i.contains(s.inside().address()))
                .findFirst();
        if (inside.isEmpty() || !inside.get().ports().contains(s.toInside().port())
                || !inside.get().mac().equals(s.toInside().source())) {
            return s.inside() + " on port " + s.toInside().port() + " is not in a configured inside network";
        }
        return null;
    }

    /** What already holds the spec's endpoints; null when nothing does. */
    private String conflict(BindingSpec s) {
        Optional<Binding> same = table.session(s.protocol(), s.inside(), s.remote());
        if (same.isPresent()) {
            return "binding " + same.get().id() + " has the same inside endpoint and remote";
        }
        Optional<Binding> mapping = table.byInside(s.protocol(), s.inside());
        if (mapping.isPresent() && !mapping.get().external().equals(s.external())) {
            return s.inside() + " is mapped to " + mapping.get().external() + " by binding " + mapping.get().id();
        }
        Optional<Binding> holder = table.byExternal(s.protocol(), s.external());
        if (holder.isPresent() && !holder.get().inside().equals(s.inside()) && !claims.sharesPublicEndpoint(s)) {
            return s.protocol().label() + " " + s.external() + " is held by binding " + holder.get().id() + " for "
                    + holder.get().inside();
        }
        return null;
    }
}
