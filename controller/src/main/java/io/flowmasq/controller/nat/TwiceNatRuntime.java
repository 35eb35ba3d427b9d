package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.TwicePairSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twice NAT between overlapping networks. OpenFlow rewrites a whole address, so keeping host bits on both
 * sides takes one pair of flows per (inside host, remote host): the rule's traps send the first packet of
 * a pair up (from either side), the pair's flows are made, and they expire when the pair is idle for the
 * rule's timeout, as a binding does.
 */
final class TwiceNatRuntime implements RuleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TwiceNatRuntime.class);
    /** An idle pair's flows go after this long (the UDP timer: the pair carries any protocol). */
    static final int IDLE_TIMEOUT_SECONDS = 300;

    private record Pair(IPv4Address inside, IPv4Address remote) {
    }

    private final Rule rule;
    private final RuleForm.TwiceNat form;
    private final RuleContext ctx;
    /** Whether a static/netmap rule's flows already carry (inside host, remote as seen inside): see {@link #pair}. */
    private final BiPredicate<IPv4Address, IPv4Address> takenByStatic;
    private final Map<Pair, TwicePairSpec> pairs = new HashMap<>();
    private final Map<Integer, Pair> byEntry = new HashMap<>();
    private final RuleFlowLedger<Integer> ledger = new RuleFlowLedger<>();
    private final Deque<Integer> freeEntries = new ArrayDeque<>();
    private int nextEntry;

    TwiceNatRuntime(Rule rule, RuleContext ctx, BiPredicate<IPv4Address, IPv4Address> takenByStatic) {
        this.rule = rule;
        this.form = (RuleForm.TwiceNat) rule.form();
        this.ctx = ctx;
        this.takenByStatic = takenByStatic;
    }

    @Override
    public Rule rule() {
        return rule;
    }

    @Override
    public List<OFMessage> start(long now) {
        // pairs a previous session of the switch made are re-made on their next first packet
        pairs.clear();
        byEntry.clear();
        freeEntries.clear();
        nextEntry = 0;
        ledger.clear();
        return ledger.record(RuleCookies.RULE_ENTRY, ctx.flows().twiceTraps(rule.number(), traps(),
                ctx.config().outside().port(), form.inside(), form.insideAs(), form.outside(), form.outsideAs()));
    }

    private List<io.flowmasq.flowcompiler.rules.InsideTrap> traps() {
        List<io.flowmasq.flowcompiler.rules.InsideTrap> out = new ArrayList<>();
        for (InsideConfig i : ctx.config().inside()) {
            for (var port : i.ports()) {
                out.add(new io.flowmasq.flowcompiler.rules.InsideTrap(port, i.mac()));
            }
        }
        return out;
    }

    @Override
    public List<OFMessage> onOutbound(PacketRef ref, Ipv4Packet ip, InsideConfig inside, long now) {
        if (!form.outsideAs().matches(ip.dst())) {
            return ctx.dropped(ref);
        }
        IPv4Address remote = Prefixes.at(form.outside(), Prefixes.offsetOf(form.outsideAs(), ip.dst()));
        L2Hop toInside = new L2Hop(ref.inPort(), inside.mac(), ip.ethSrc());
        Optional<L2Hop> toOutside = ctx.toOutside(now);
        if (toOutside.isEmpty()) {
            ctx.counters().increment("nat.rule.twice_no_next_hop");
            List<OFMessage> out = new ArrayList<>(ctx.arpForNextHop(now));
            out.addAll(ctx.dropped(ref));
            return out;
        }
        Optional<TwicePairSpec> spec = pair(ip.src(), remote, toInside, toOutside.get());
        if (spec.isEmpty()) {
            return ctx.dropped(ref);
        }
        List<OFMessage> out = new ArrayList<>(install(spec.get()));
        out.add(ctx.flows().forwardTwiceOutbound(spec.get(), ref));
        return out;
    }

    @Override
    public boolean takesInbound(Ipv4Packet ip) {
        return form.insideAs().matches(ip.dst()) && form.outside().matches(ip.src());
    }

    @Override
    public List<OFMessage> onInbound(PacketRef ref, Ipv4Packet ip, long now) {
        IPv4Address host = Prefixes.at(form.inside(), Prefixes.offsetOf(form.insideAs(), ip.dst()));
        Optional<L2Hop> toInside = ctx.toInside(host, now);
        Optional<L2Hop> toOutside = ctx.toOutside(now);
        if (toInside.isEmpty() || toOutside.isEmpty()) {
            // the sender retries; by then the host (or the next hop) has answered
            ctx.counters().increment("nat.rule.twice_unresolved");
            List<OFMessage> out = new ArrayList<>(toInside.isEmpty() ? ctx.arpFor(host) : List.of());
            out.addAll(ctx.arpForNextHop(now));
            out.addAll(ctx.dropped(ref));
            return out;
        }
        Optional<TwicePairSpec> spec = pair(host, ip.src(), toInside.get(), toOutside.get());
        if (spec.isEmpty()) {
            return ctx.dropped(ref);
        }
        List<OFMessage> out = new ArrayList<>(install(spec.get()));
        out.add(ctx.flows().forwardTwiceInbound(spec.get(), ref));
        return out;
    }

    /** The pair's spec: the live one, or a new one (empty when the rule has used up its entries). */
    private Optional<TwicePairSpec> pair(IPv4Address host, IPv4Address remote, L2Hop toInside, L2Hop toOutside) {
        Pair key = new Pair(host, remote);
        TwicePairSpec live = pairs.get(key);
        if (live != null && live.toInside().equals(toInside) && live.toOutside().equals(toOutside)) {
            return Optional.of(live);
        }
        IPv4Address remoteAs = Prefixes.at(form.outsideAs(), Prefixes.offsetOf(form.outside(), remote));
        if (live == null && takenByStatic.test(host, remoteAs)) {
            // an earlier static/netmap rule owns the host's traffic (the validator keeps such rules before this
            // one); a pair's flows would sit at its flows' priority with overlapping matches
            ctx.counters().increment("nat.rule.twice_static_host");
            return Optional.empty();
        }
        int entry;
        if (live != null) {
            entry = live.entry();
        } else if (!freeEntries.isEmpty()) {
            entry = freeEntries.pop();
        } else if (nextEntry <= RuleCookies.MAX_ENTRY) {
            entry = nextEntry++;
        } else {
            ctx.counters().increment("nat.rule.twice_refused");
            return Optional.empty();
        }
        IPv4Address insideAs = Prefixes.at(form.insideAs(), Prefixes.offsetOf(form.inside(), host));
        TwicePairSpec spec = new TwicePairSpec(rule.number(), entry, host, insideAs, remote, remoteAs, toInside,
                toOutside, IDLE_TIMEOUT_SECONDS);
        return Optional.of(spec);
    }

    private List<OFMessage> install(TwicePairSpec spec) {
        Pair key = new Pair(spec.inside(), spec.remote());
        TwicePairSpec old = pairs.get(key);
        if (spec.equals(old)) {
            return List.of(); // another first packet of a pair being installed
        }
        List<OFMessage> out = new ArrayList<>();
        if (old != null) {
            out.addAll(ledger.delete(ctx.compiler(), old.entry()));
        }
        pairs.put(key, spec);
        byEntry.put(spec.entry(), key);
        out.addAll(ledger.record(spec.entry(), ctx.flows().installTwicePair(spec)));
        ctx.counters().increment("nat.rule.twice_pair_installed");
        LOG.debug("switch {}: rule '{}': {} -> {} seen as {} -> {}", ctx.config().name(), rule.id(), spec.inside(),
                spec.remote(), spec.insideAs(), spec.remoteAs());
        return out;
    }

    /** The pair's outbound flow went idle: its inbound flow goes too, and the pair is forgotten. */
    @Override
    public List<OFMessage> onFlowRemoved(U64 cookie, long now) {
        int entry = RuleCookies.entryOf(cookie);
        Pair key = byEntry.remove(entry);
        if (key == null) {
            return List.of();
        }
        pairs.remove(key);
        freeEntries.push(entry);
        ctx.counters().increment("nat.rule.twice_pair_expired");
        return ledger.delete(ctx.compiler(), entry);
    }

    @Override
    public List<OFMessage> stop(long now) {
        pairs.clear();
        byEntry.clear();
        return ledger.deleteAll(ctx.compiler(), ctx.flows().deleteRule(rule.number()));
    }

    @Override
    public Map<String, Object> status(long now) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("pairs", pairs.size());
        return s;
    }
}
