package io.flowmasq.controller.nat;

import io.flowmasq.controller.nat.rules.RuleChain;
import io.flowmasq.controller.nat.rules.RuleMatches;
import io.flowmasq.controller.nat.rules.RuleValidator;
import io.flowmasq.controller.nat.vs.ProbePorts;
import io.flowmasq.controller.nat.vs.BindingBytes;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.rules.RuleFlowRef;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import io.flowmasq.flowcompiler.rules.RuleProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule chain of one switch in force: which rule takes a new flow, the runtimes of the rules that install
 * flows or own bindings, the address pools, and the changes an operator makes at runtime. Changes are checked
 * by {@link RuleValidator} against the whole chain first; a refused change leaves everything as it was.
 */
final class RuleSet implements BindingRebuilder.RuleClaims {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSet.class);

    private final RuleContext ctx;
    private RuleChain chain;
    private PublicAddresses addresses;
    private final Map<Integer, RuleRuntime> runtimes = new HashMap<>();
    private final Map<Integer, PoolAllocator> pools = new HashMap<>();
    private final long reuseDelayMillis;
    /** Whether the switch has connected once: before that, rules install nothing (they start at connect). */
    private boolean connected;
    /** The source ports of every virtual server's health probes on this switch. */
    private final ProbePorts probePorts = new ProbePorts();

    RuleSet(RuleContext ctx, List<Rule> rules) {
        this.ctx = ctx;
        this.reuseDelayMillis = ctx.config().portReuseDelaySeconds() * 1000L;
        this.chain = RuleChain.of(rules);
        this.addresses = PublicAddresses.of(ctx.config().outside(), rules);
        for (Rule r : rules) {
            Optional<String> problem = bring(r, 0);
            if (problem.isPresent()) {
                // the config was validated; only the NAPT allocator can disagree, and nothing holds ports yet
                throw new IllegalStateException("rule '" + r.id() + "': " + problem.get());
            }
        }
    }

    RuleChain chain() {
        return chain;
    }

    PublicAddresses addresses() {
        return addresses;
    }

    /** The rule that takes a first packet from inside; empty when no rule matches (it is not translated). */
    Optional<Rule> forOutbound(Ipv4Packet ip) {
        int port = ip.hasPorts() ? ip.dstPort() : 0;
        return chain.firstOutbound(ip.src(), ip.dst(), ip.protocol(), port);
    }

    Optional<RuleRuntime> runtime(int number) {
        return Optional.ofNullable(runtimes.get(number));
    }

    Optional<PoolAllocator> pool(int number) {
        return Optional.ofNullable(pools.get(number));
    }

    /** The pool that owns a public address, if one does. */
    Optional<PoolAllocator> poolOwning(IPv4Address address) {
        return pools.values().stream().filter(p -> p.owns(address)).findFirst();
    }

    /** The virtual server whose health probe a TCP segment from inside to a gateway address answers. */
    Optional<VirtualServerRuntime> probeOwner(Ipv4Packet ip) {
        if (ip.protocol() != Ipv4Packet.PROTO_TCP || ip.fragment() || !probePorts.contains(ip.dstPort())) {
            return Optional.empty();
        }
        return runtimes.values().stream().filter(r -> r instanceof VirtualServerRuntime v && v.claimsProbeReply(ip))
                .map(r -> (VirtualServerRuntime) r).findFirst();
    }

    /** The rule whose traps sent up this packet from outside. */
    Optional<RuleRuntime> inboundTaker(Ipv4Packet ip) {
        return runtimes.values().stream().filter(r -> r.takesInbound(ip)).findFirst();
    }

    boolean holdsPort(Binding b) {
        RuleRuntime r = b.rule() == 0 ? null : runtimes.get(b.rule());
        return r != null && r.holdsPort(b);
    }

    void released(Binding b, long now) {
        RuleRuntime r = b.rule() == 0 ? null : runtimes.get(b.rule());
        if (r != null) {
            r.released(b, now);
        }
    }

    /** Flows and ARP requests of every rule, when the switch connects. */
    List<OFMessage> start(long now) {
        connected = true;
        List<OFMessage> out = new ArrayList<>();
        for (Rule r : chain.rules()) {
            RuleRuntime rt = runtimes.get(r.number());
            if (rt != null) {
                out.addAll(rt.start(now));
            }
        }
        return out;
    }

    void onTrafficPolled(java.util.function.LongFunction<Optional<Long>> bytesOf, long snapshotAt, long now) {
        if (runtimes.values().stream().noneMatch(r -> r instanceof VirtualServerRuntime)) {
            return;
        }
        Map<Integer, List<BindingBytes>> perRule = new HashMap<>();
        for (Binding b : ctx.table().all()) {
            if (b.rule() != 0 && runtimes.get(b.rule()) instanceof VirtualServerRuntime) {
                bytesOf.apply(b.id()).ifPresent(bytes -> perRule.computeIfAbsent(b.rule(), k -> new ArrayList<>())
                        .add(new BindingBytes(b.id(), b.inside(), bytes)));
            }
        }
        for (RuleRuntime r : runtimes.values()) {
            if (r instanceof VirtualServerRuntime v) {
                v.bytesPolled(perRule.getOrDefault(r.rule().number(), List.of()), snapshotAt, now);
            }
        }
    }

    List<OFMessage> onTick(long now) {
        if (!connected) {
            return List.of();
        }
        List<OFMessage> out = new ArrayList<>();
        for (RuleRuntime r : runtimes.values()) {
            out.addAll(r.onTick(now));
        }
        return out;
    }

    List<OFMessage> onFlowRemoved(U64 cookie, long now) {
        RuleRuntime r = runtimes.get(RuleCookies.ruleOf(cookie));
        return r == null ? List.of() : r.onFlowRemoved(cookie, now);
    }

    /**
     * Adds {@code rule} at {@code position} (1-based; chain size + 1 appends), after {@link RuleInsertion}'s
     * checks and the reservation of its public ports; a refusal changes nothing.
     */
    RuleChange add(Rule rule, int position, long now) {
        Optional<RuleChange.Refused> refused = RuleInsertion.refusal(chain, ctx.config(), rule, position);
        if (refused.isPresent()) {
            return refused.get();
        }
        RuleChain candidate = chain.insert(position, rule);
        Optional<String> problem = bring(rule, now);
        if (problem.isPresent()) {
            return new RuleChange.Refused(true, "public", problem.get(), null);
        }
        chain = candidate;
        addresses = PublicAddresses.of(ctx.config().outside(), chain.rules());
        List<OFMessage> out = new ArrayList<>();
        RuleRuntime rt = runtimes.get(rule.number());
        if (connected && rt != null) {
            out.addAll(rt.start(now));
        }
        ctx.counters().increment("nat.rule.added");
        LOG.info("switch {}: rule '{}' ({}) added at position {} of {}", ctx.config().name(), rule.id(),
                rule.form().type(), position, chain.rules().size());
        return new RuleChange.Applied(rule, position, out, 0);
    }

    /**
     * Takes a rule out of the chain (its addresses with it); empty when there is none. The engine then removes
     * the rule's bindings and calls {@link #stop}.
     */
    Optional<Rule> delete(String id) {
        Optional<Rule> rule = chain.byId(id);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        chain = chain.delete(id);
        addresses = PublicAddresses.of(ctx.config().outside(), chain.rules());
        return rule;
    }

    /** The flows of a deleted rule's runtime; its pool is dropped once its bindings are gone. */
    List<OFMessage> stop(Rule rule, long now) {
        List<OFMessage> out = new ArrayList<>();
        RuleRuntime rt = runtimes.remove(rule.number());
        if (rt != null && connected) {
            out.addAll(rt.stop(now));
        } else if (rt != null) {
            rt.stop(now);
        }
        pools.remove(rule.number());
        ctx.counters().increment("nat.rule.deleted");
        LOG.info("switch {}: rule '{}' ({}) deleted", ctx.config().name(), rule.id(), rule.form().type());
        return out;
    }

    /** The runtime (and reservations) a rule needs; a problem when its public ports are taken. */
    private Optional<String> bring(Rule r, long now) {
        RuleContext c = ctx;
        if (r.form() instanceof RuleForm.Masquerade m) {
            m.addresses().forEach(c.allocator()::ensureAddress);
        } else if (r.form() instanceof RuleForm.AddressPool p) {
            pools.put(r.number(), new PoolAllocator(p.addresses(), reuseDelayMillis));
            p.fallback().ifPresent(c.allocator()::ensureAddress);
        } else if (r.form() instanceof RuleForm.StaticNat) {
            runtimes.put(r.number(), new StaticNatRuntime(r, c));
        } else if (r.form() instanceof RuleForm.TwiceNat) {
            runtimes.put(r.number(), new TwiceNatRuntime(r, c, this::takenByStatic));
        } else if (r.form() instanceof RuleForm.PortForward f) {
            c.allocator().ensureAddress(f.external());
            Optional<String> taken = PortForwardRuntime.reserve(f, c.allocator(), c.table());
            if (taken.isPresent()) {
                return taken;
            }
            runtimes.put(r.number(), new PortForwardRuntime(r, c));
        } else if (r.form() instanceof RuleForm.VirtualServer v) {
            c.allocator().ensureAddress(v.external().address());
            Optional<String> taken = VirtualServerRuntime.reserve(v, c.allocator(), c.table());
            if (taken.isPresent()) {
                return taken;
            }
            runtimes.put(r.number(), new VirtualServerRuntime(r, c, probePorts, now));
        }
        return Optional.empty();
    }

    /** Whether a static/netmap rule of the chain takes traffic from inside host {@code host} to {@code dst}. */
    private boolean takenByStatic(IPv4Address host, IPv4Address dst) {
        RuleMatch pair = new RuleMatch(
                Prefixes.host(host), Prefixes.host(dst),
                RuleProtocol.ANY, PortSpan.ANY);
        return chain.rules().stream().anyMatch(r -> r.form() instanceof RuleForm.StaticNat
                && RuleMatches.implied(r).overlaps(pair));
    }

    @Override
    public boolean keeps(InstalledFlow ruleFlow) {
        Optional<RuleFlowRef> ref = ruleFlow.ruleFlow();
        Optional<Rule> rule = ref.flatMap(r -> byNumber(r.rule()));
        if (rule.isEmpty()) {
            return false;
        }
        // twice-NAT pairs are made again on their next packet; their entries start afresh with the session
        return !(rule.get().form() instanceof RuleForm.TwiceNat) || ref.get().entry() == RuleCookies.RULE_ENTRY;
    }

    @Override
    public boolean holdsPort(BindingSpec s) {
        if (RuleCookies.isForwardId(s.id())) {
            return runtimes.containsKey(RuleCookies.forwardRuleOf(s.id()));
        }
        return virtualServerOf(s).isPresent();
    }

    @Override
    public int adopt(BindingSpec s, boolean firstOfMapping) {
        if (RuleCookies.isForwardId(s.id())) {
            return RuleCookies.forwardRuleOf(s.id());
        }
        Optional<Rule> vs = virtualServerOf(s);
        if (vs.isPresent()) {
            ((VirtualServerRuntime) runtimes.get(vs.get().number())).adopted(s.inside());
            return vs.get().number();
        }
        for (Map.Entry<Integer, PoolAllocator> e : pools.entrySet()) {
            if (e.getValue().owns(s.external().address())) {
                if (firstOfMapping) { // the lease is held once per mapping, as a new mapping holds it
                    e.getValue().adopt(s.inside().address(), s.external().address());
                }
                return e.getKey();
            }
        }
        for (Rule r : chain.rules()) {
            if (r.form() instanceof RuleForm.Masquerade m && r.match().inside().matches(s.inside().address())
                    && RuleSources.addressesOf(m, ctx.config()).contains(s.external().address())) {
                return r.number();
            }
        }
        return 0;
    }

    @Override
    public boolean orphanForward(long id) {
        return RuleCookies.isForwardId(id) && !runtimes.containsKey(RuleCookies.forwardRuleOf(id));
    }

    @Override
    public boolean sharesPublicEndpoint(BindingSpec s) {
        return virtualServerOf(s).isPresent();
    }

    private Optional<Rule> byNumber(int number) {
        return chain.rules().stream().filter(r -> r.number() == number).findFirst();
    }

    /** The virtual server a session binding belongs to: its public endpoint and one of its servers. */
    private Optional<Rule> virtualServerOf(BindingSpec s) {
        if (s.remote() == null) {
            return Optional.empty();
        }
        return chain.rules().stream().filter(r -> r.form() instanceof RuleForm.VirtualServer v
                && v.protocol() == s.protocol() && v.external().equals(s.external())
                && v.servers().stream().anyMatch(x -> x.address().equals(s.inside()))).findFirst();
    }

    /** The listing of the chain: each rule with its position and status. */
    List<RuleStatus> statuses(long now) {
        List<RuleStatus> out = new ArrayList<>();
        Map<Integer, Integer> bindingsPerRule = new HashMap<>();
        for (Binding b : ctx.table().all()) {
            bindingsPerRule.merge(b.rule(), 1, Integer::sum);
        }
        int position = 1;
        for (Rule r : chain.rules()) {
            Map<String, Object> status = new LinkedHashMap<>();
            RuleRuntime rt = runtimes.get(r.number());
            if (rt != null) {
                status.putAll(rt.status(now));
            }
            PoolAllocator pool = pools.get(r.number());
            if (pool != null) {
                status.put("addresses", pool.size());
                status.put("leased", pool.leased());
                status.put("cooling", pool.cooling(now));
            }
            status.put("bindings", bindingsPerRule.getOrDefault(r.number(), 0));
            out.add(new RuleStatus(position++, r, status));
        }
        return out;
    }

}
