package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TableFullPolicy;
import io.flowmasq.controller.packet.IcmpFrames;
import io.flowmasq.controller.packet.ArpPacket;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.controller.packet.MalformedPacketException;
import io.flowmasq.controller.packet.OtherPacket;
import io.flowmasq.controller.packet.PacketParser;
import io.flowmasq.controller.packet.ParsedPacket;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.PenaltySpec;
import io.flowmasq.flowcompiler.PipelineSpec;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleCookies;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import java.util.SplittableRandom;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFeaturesStatsReply;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAT of one switch, as a pure state machine: each event (with the time it happened) goes in,
 * the OpenFlow messages to send come out. No sockets, no clock, no threads; the caller serialises
 * calls (the switch's event loop, or a unit test).
 */
public final class NatEngine {
    private static final Logger LOG = LoggerFactory.getLogger(NatEngine.class);
    /** ICMP the controller translates or originates, per inside host (and per outside sender). */
    static final double ICMP_PER_HOST_PER_SECOND = 100;
    static final double ICMP_PER_HOST_BURST = 200;
    /** At most one warning about a full flow table per this interval, with the count since the last. */
    static final long TABLE_FULL_LOG_INTERVAL_MS = 5_000;
    private static final String TABLE_FULL = "table_full";

    private final SwitchConfig config;
    /** config.inside() as an array, with each network's address and mask as ints: looked up per packet-in. */
    private final InsideConfig[] insides;
    private final int[] insideNetworks;
    private final int[] insideMasks;
    private final FlowCompiler compiler;
    private final CounterSink counters;
    private final BindingTable table = new BindingTable();
    private final NaptAllocator allocator;
    private final ArpCache arpCache = new ArpCache(NextHopResolver.ARP_LIFETIME_MS);
    private final ArpResponder arp;
    private final NextHopResolver nextHop;
    private final NaptTranslator napt;
    private final TcpStateTracker tcp;
    private final IcmpTranslator icmp;
    private final HairpinTranslator hairpin;
    private final FragmentTranslator fragments;
    private final FtpAlgTranslator ftp;
    private final InsideHosts insideHosts = new InsideHosts(NextHopResolver.ARP_LIFETIME_MS);
    private final StaticBindings statics;
    private final BindingListener listener;
    private final HostQuotas quotas;
    private final PacketInMeter meter;
    /** Packet-ins the engine takes per second, whatever they are; null when the budget is off. Starts full. */
    private final TokenBucket budget;
    private final LogThrottle<String> budgetLog = new LogThrottle<>(HostQuotas.LOG_INTERVAL_MS);
    private final BindingRebuilder rebuilder;
    private final FirstPackets firstPackets;
    /** Warnings about a full flow table: while it stays full every new flow is refused. */
    private final LogThrottle<String> tableFullLog = new LogThrottle<>(TABLE_FULL_LOG_INTERVAL_MS);
    /** The rule chain in force, its runtimes and pools; its public addresses change with it. */
    private final RuleSet rules;
    private final RuleSources sources;
    private final LogThrottle<String> poolLog = new LogThrottle<>(HostQuotas.LOG_INTERVAL_MS);

    /** An engine with its own binding ids and no listener (tests, single-switch tools). */
    public NatEngine(SwitchConfig config, FlowCompiler compiler, CounterSink counters) {
        this(config, compiler, counters, new BindingIds(), BindingListener.NONE);
    }

    /** {@code ids} is shared by all switches' engines so that an id names one binding controller-wide. */
    public NatEngine(SwitchConfig config, FlowCompiler compiler, CounterSink counters, BindingIds ids,
                     BindingListener listener) {
        this(config, compiler, counters, ids, listener, secureSeeded());
    }

    /**
     * {@code portRandom} drives the choice of public ports and ICMP identifiers when the inside one cannot
     * be kept (a seeded one in tests, for reproducible runs).
     */
    public NatEngine(SwitchConfig config, FlowCompiler compiler, CounterSink counters, BindingIds ids,
                     BindingListener listener, SplittableRandom portRandom) {
        this.config = config;
        this.insides = config.inside().toArray(new InsideConfig[0]);
        this.insideMasks = new int[insides.length];
        this.insideNetworks = new int[insides.length];
        for (int i = 0; i < insides.length; i++) {
            insideMasks[i] = insides[i].prefixLength() == 0 ? 0 : -1 << (32 - insides[i].prefixLength());
            insideNetworks[i] = insides[i].gateway().getInt() & insideMasks[i];
        }
        this.compiler = compiler;
        this.counters = counters;
        this.listener = listener;
        long reuseDelayMillis = config.portReuseDelaySeconds() * 1000L;
        this.allocator = new NaptAllocator(config.outside().publicAddresses(), config.portRange(), reuseDelayMillis,
                portRandom);
        this.arp = new ArpResponder(config, this::publicAddresses);
        this.nextHop = new NextHopResolver(config.outside(), arpCache);
        MssClamper mss = new MssClamper(config.mssClamp(), compiler, counters);
        this.quotas = new HostQuotas(config.limits(), config.name(), counters);
        this.meter = new PacketInMeter(config.limits(), compiler, this::currentPipeline,
                config.name(), counters);
        this.budget = config.limits().budgetOn()
                ? new TokenBucket(config.limits().packetInsPerSecond(), config.limits().packetInBurst(), 0) : null;
        this.firstPackets = config.onTableFull() == TableFullPolicy.ICMP ? FirstPackets.keeping() : FirstPackets.none();
        this.napt = new NaptTranslator(config, compiler, table, allocator, mss, counters, ids, listener, quotas,
                firstPackets);
        this.ftp = new FtpAlgTranslator(config, compiler, table, napt, allocator, ids, listener, counters);
        this.statics = new StaticBindings(config, compiler, table, allocator, insideHosts, nextHop, ids, listener,
                counters, ftp);
        this.tcp = new TcpStateTracker(config, compiler, table, counters);
        this.hairpin = new HairpinTranslator(compiler, table, napt, mss, counters);
        IcmpQueryTable queries = new IcmpQueryTable(allocator, config.outside().publicAddresses(), reuseDelayMillis,
                portRandom);
        this.icmp = new IcmpTranslator(config, compiler, table,
                queries, counters,
                new RateLimiter<>(ICMP_PER_HOST_PER_SECOND, ICMP_PER_HOST_BURST), this::isTranslated);
        this.fragments = new FragmentTranslator(config, compiler, table, napt, allocator, queries, counters);
        this.rules = new RuleSet(new RuleContext(config, compiler, compiler.ruleFlows(), table, insideHosts, nextHop,
                allocator, statics, ids, listener, counters, this::removeLive), config.rules());
        this.sources = new RuleSources(config, allocator, rules, counters);
        this.rebuilder = new BindingRebuilder(config, compiler, table, allocator, ids, listener, counters,
                ftp::isControl, this::isTranslated, rules);
    }

    /**
     * RFC 6056 asks for ports an off-path attacker cannot guess. A SplittableRandom with a 64-bit seed from
     * SecureRandom is unknown to anyone outside, and costs a few nanoseconds per port where SecureRandom
     * itself would take a lock and far longer on the binding hot path. It is not a cryptographic generator:
     * someone who saw a long run of consecutive allocations could in principle recover its state, but an
     * outside host sees only the ports of its own flows, interleaved with everyone else's.
     */
    private static SplittableRandom secureSeeded() {
        return new SplittableRandom(new SecureRandom().nextLong());
    }

    public BindingTable bindings() {
        return table;
    }

    /** The public port allocator, for the engine's own invariant checks in tests. */
    NaptAllocator allocator() {
        return allocator;
    }

    public SwitchConfig config() {
        return config;
    }

    /** A copy of the binding table at this instant (the caller holds the engine's lock). */
    public List<Binding> snapshot() {
        return new ArrayList<>(table.all());
    }

    /** What the ALGs keep under control bindings (FTP data expectations and connections), by binding id. */
    public Map<Long, List<AlgChild>> algChildren(long now) {
        return ftp.children(now);
    }

    /** An operator's static binding; see {@link StaticOutcome} for what can come of it. */
    public StaticOutcome createStatic(StaticRequest request, long now) {
        return statics.create(request, now);
    }

    /**
     * An operator removes a binding: it is released at once (its public port cools for the reuse delay, so
     * it is not reused while the flows are being deleted) and the returned messages delete its flows.
     * Empty when there is no such binding.
     */
    public Optional<List<OFMessage>> deleteBinding(long id, long now) {
        Optional<Binding> gone = table.remove(id);
        if (gone.isEmpty()) {
            return Optional.empty();
        }
        Binding b = gone.get();
        boolean lastSession = release(b, now);
        listener.removed(b, BindingListener.RemovalReason.DELETED_BY_OPERATOR, null, now);
        counters.increment("nat.binding_deleted_by_operator");
        LOG.info("switch {}: binding {} {} {} -> {} deleted by operator after {} s{}", config.name(), b.id(),
                b.protocol().label(), b.inside(), b.external(), (now - b.createdAt()) / 1000,
                lastSession ? "" : "; the mapping lives on");
        return Optional.of(removeFlows(b, now));
    }

    /** Takes a live binding out as an operator's delete would, for a rule's runtime; empty when it is gone. */
    private List<OFMessage> removeLive(Binding b, BindingListener.RemovalReason reason, long now) {
        if (table.remove(b.id()).isEmpty()) {
            return List.of();
        }
        release(b, now);
        listener.removed(b, reason, null, now);
        return removeFlows(b, now);
    }

    /** Deletes the flows of a binding already taken out of the table, and what hangs on them (hairpins, ALG). */
    private List<OFMessage> removeFlows(Binding b, long now) {
        List<OFMessage> out = new ArrayList<>(hairpin.released(b));
        out.addAll(compiler.removeBinding(b.spec()));
        out.addAll(ftp.released(b, now));
        return out;
    }

    /**
     * The switch answered with an error. Only a full flow table concerns the engine (the channel logs and
     * counts every error): the binding whose flow-mod was refused is given up cleanly, as an operator
     * delete would, so that neither its public port nor a half-installed flow stays behind. Its first
     * packet has already gone out; by {@link TableFullPolicy} the inside host gets an ICMP
     * admin-prohibited about it, or nothing. Existing bindings are never evicted to make room.
     *
     * <p>A binding has two flow-mods and both may fail: the second error finds the binding gone and is
     * ignored. A refused handshake report flow (OF1.3, sent after the binding's two) refuses nothing: the
     * binding is kept and made established ({@link TcpStateTracker#onHandshakeFlowRefused}). A binding whose re-added flow (new idle timeout) is refused is given up too, since its
     * flows are no longer what the engine believes; it gets no ICMP, its first packet being long gone.
     * Other errors go to the packet-in meter, which falls back to unmetered flows when the switch refuses it.
     */
    public List<OFMessage> onError(OFErrorMsg error, long now) {
        return FlowCompiler.isTableFull(error) ? onTableFull(error, now) : meter.onError(error);
    }

    private List<OFMessage> onTableFull(OFErrorMsg error, long now) {
        Optional<U64> cookie = compiler.cookieOfFailedFlowMod(error);
        if (cookie.isEmpty()) {
            counters.increment("nat.table_full.unreadable");
            LOG.debug("switch {}: TABLE_FULL quoting no flow-mod of ours ({} bytes)", config.name(),
                    error.getData() == null ? 0 : error.getData().getData().length);
            return List.of();
        }
        if (!Cookies.isBinding(cookie.get())) {
            // a pipeline or hairpin flow: nothing to give up, but the operator must hear of it
            counters.increment("nat.table_full.other_flow");
            long n = tableFullLog.due(TABLE_FULL, now);
            if (n > 0) {
                LOG.warn("switch {}: flow table full: {} flow(s) refused, latest cookie {}", config.name(), n,
                        cookie.get());
            }
            return List.of();
        }
        long id = Cookies.bindingId(cookie.get());
        if (compiler.isHandshakeFlowMod(error)) {
            // the binding's own flows went in before it: keep the binding, without its report
            return tcp.onHandshakeFlowRefused(id, now);
        }
        Optional<Binding> gone = table.remove(id);
        if (gone.isEmpty()) {
            counters.increment("nat.table_full.already_gone"); // its other flow's error, or released meanwhile
            return List.of();
        }
        Binding b = gone.get();
        boolean lastSession = release(b, now);
        listener.removed(b, BindingListener.RemovalReason.TABLE_FULL, null, now);
        counters.increment("nat.binding_refused.table_full");
        long n = tableFullLog.due(TABLE_FULL, now);
        if (n > 0) {
            LOG.warn("switch {}: flow table full: {} new binding(s) refused since the last report (latest {} {} -> {}"
                    + "{}); existing bindings kept", config.name(), n, b.protocol().label(), b.inside(),
                    b.external(), lastSession ? "" : ", its mapping lives on");
        }
        List<OFMessage> out = removeFlows(b, now);
        out.addAll(answerFirstPacket(b, now));
        return out;
    }

    /** The ICMP admin-prohibited about a refused binding's first packet, under {@link TableFullPolicy#ICMP}. */
    private List<OFMessage> answerFirstPacket(Binding b, long now) {
        if (config.onTableFull() != TableFullPolicy.ICMP) {
            return List.of();
        }
        Optional<FirstPackets.First> first = firstPackets.take(b.id(), now);
        Optional<InsideConfig> inside = first.flatMap(f -> insideOf(f.inPort()));
        if (inside.isEmpty()) {
            counters.increment("nat.table_full.no_first_packet"); // static, ALG data, or kept too long ago
            return List.of();
        }
        counters.increment("nat.table_full.icmp_sent");
        return List.of(compiler.sendFrame(first.get().inPort(),
                IcmpFrames.adminProhibited(first.get().head(), inside.get().mac(), inside.get().gateway())));
    }

    /** Returns the public port when this was the mapping's last session; true when it was. */
    private boolean release(Binding b, long now) {
        boolean lastSession = table.sessions(b.protocol(), b.inside()) == 0;
        rules.released(b, now);
        // a forward's or a virtual server's public port stays reserved for as long as its rule lives
        if (lastSession && !rules.holdsPort(b)) {
            Optional<PoolAllocator> pool = rules.poolOwning(b.external().address());
            if (pool.isPresent()) {
                pool.get().release(b.inside().address(), now);
            } else {
                allocator.release(b.protocol(), b.external(), b.inside(), now);
            }
        }
        return lastSession;
    }

    /**
     * The proactive pipeline and an ARP request for the next hop. Existing flows are left alone. On OpenFlow
     * 1.3 the switch is also asked for its meter features ({@link #onMeterFeatures}).
     */
    public List<OFMessage> onConnect(long now) {
        List<OFMessage> out = new ArrayList<>(compiler.pipeline(currentPipeline()));
        out.addAll(meter.onConnect());
        out.addAll(compiler.invalidTtlToController());
        out.addAll(rules.start(now));
        nextHop.requestIfDue(now).ifPresent(f -> out.add(compiler.sendFrame(config.outside().port(), f)));
        out.add(compiler.barrier());
        return out;
    }

    /** The switch's meter features: when it has a suitable meter, the meter and the metered pipeline flows. */
    public List<OFMessage> onMeterFeatures(OFMeterFeaturesStatsReply reply, long now) {
        return meter.onFeatures(reply);
    }

    /**
     * Checks the binding table against every flow the switch reported after a (re)connect and makes them
     * agree ({@link BindingRebuilder}): adopts the switch's bindings the engine does not know (a restart),
     * releases those the switch lost, repairs half-installed ones, deletes what cannot be trusted. The
     * returned messages must reach the switch (confirmed by a barrier) before new packets are handled, so
     * that no new binding is given a public port an old flow still uses. Logs one summary line.
     */
    public Rebuilt reconcile(List<InstalledFlow> flows, long now) {
        hairpin.forgetAll(); // every hairpin flow found is deleted below; they are made again on demand
        BindingRebuilder.Result r = rebuilder.rebuild(flows, now, this::releaseLost);
        RebuildSummary s = r.summary();
        LOG.info("switch {}: rebuilt binding table from {} flows: {}; {} bindings live", config.name(), s.flows(),
                s.describe(), table.size());
        return new Rebuilt(r.messages(), s);
    }

    /** Counts an event of this switch's session (the rebuild's held and dropped packets) with the engine's. */
    public void count(String counter) {
        counters.increment(counter);
    }

    /** What {@link #reconcile} sends and decided. */
    public record Rebuilt(List<OFMessage> messages, RebuildSummary summary) {
    }

    /** A binding whose flows the switch no longer has: released like an expired one. */
    private List<OFMessage> releaseLost(Binding b, long now) {
        table.remove(b.id());
        release(b, now);
        listener.removed(b, BindingListener.RemovalReason.SWITCH_LOST, null, now);
        List<OFMessage> out = new ArrayList<>(hairpin.released(b));
        out.addAll(ftp.released(b, now));
        return out;
    }

    /**
     * A packet-in: first the switch's packet-in budget, then the packet itself; penalty-box flows for
     * inside hosts that went over their new-binding rate while it was handled are added at the end.
     */
    public List<OFMessage> onPacketIn(OFPacketIn packetIn, long now) {
        OFPort inPort = compiler.inPort(packetIn);
        if (inPort == null) { // an OF1.3 packet-in whose match lacks IN_PORT: no port to decide or answer on
            counters.increment("nat.malformed.no_in_port");
            return List.of();
        }
        PacketRef ref = new PacketRef(inPort, packetIn.getBufferId(), packetIn.getData());
        if (budget != null && !budget.tryAcquire(now)) {
            counters.increment("openflow.packet_in_dropped.budget");
            long dropped = budgetLog.due("budget", now);
            if (dropped > 0) {
                LOG.warn("switch {}: over its packet-in budget ({}/s, burst {}): {} packet-in(s) dropped since the"
                        + " last report", config.name(), config.limits().packetInsPerSecond(),
                        config.limits().packetInBurst(), dropped);
            }
            return napt.dropped(ref);
        }
        counters.increment("nat.packet_in");
        List<OFMessage> out = handlePacketIn(packetIn, ref, now);
        List<PenaltySpec> boxed = quotas.takeNewPenalties();
        if (boxed.isEmpty()) {
            return out;
        }
        List<OFMessage> all = new ArrayList<>(out);
        boxed.forEach(p -> all.add(compiler.penalise(p)));
        return all;
    }

    private List<OFMessage> handlePacketIn(OFPacketIn packetIn, PacketRef ref, long now) {
        OptionalLong flowOf = compiler.bindingOf(packetIn);
        // an ALG connection's flows send every segment here: not a TCP-state report
        Optional<List<OFMessage>> reported = flowOf.isPresent() && ftp.isControl(flowOf.getAsLong())
                ? Optional.empty() : tcp.onReport(packetIn, ref, now);
        if (reported.isPresent()) {
            return reported.get();
        }
        ParsedPacket parsed;
        try {
            parsed = PacketParser.parse(ref.data());
        } catch (MalformedPacketException e) {
            counters.increment("nat.malformed." + e.kind());
            LOG.debug("switch {}: malformed packet-in on port {}: {}", config.name(), ref.inPort(), e.getMessage());
            return napt.dropped(ref);
        }
        if (parsed instanceof ArpPacket a) {
            return onArp(ref, a, now);
        }
        if (parsed instanceof Ipv4Packet ip) {
            return onIpv4(ref, ip, now);
        }
        counters.increment("nat.ignored.ethertype");
        LOG.debug("switch {}: ignored ethertype 0x{} on port {}", config.name(),
                Integer.toHexString(((OtherPacket) parsed).ethType()), ref.inPort());
        return napt.dropped(ref);
    }

    /** The switch removed a flow: when it was a binding's, release the binding and delete its other flow. */
    public List<OFMessage> onFlowRemoved(OFFlowRemoved removed, long now) {
        if (RuleCookies.isRuleFlow(removed.getCookie())) {
            return rules.onFlowRemoved(removed.getCookie(), now); // a twice-NAT pair went idle
        }
        if (!Cookies.isBinding(removed.getCookie())) {
            return List.of();
        }
        long id = Cookies.bindingId(removed.getCookie());
        if (removed.getReason() == OFFlowRemovedReason.IDLE_TIMEOUT) {
            Optional<List<OFMessage>> kept = ftp.keepAlive(id, now);
            if (kept.isPresent()) {
                return kept.get();
            }
        }
        BindingListener.FlowCounts counts = new BindingListener.FlowCounts(
                !config.outside().port().equals(compiler.inPortOf(removed.getMatch())),
                removed.getPacketCount().getValue(), removed.getByteCount().getValue());
        Optional<Binding> gone = table.remove(id);
        if (gone.isEmpty()) {
            listener.partnerFlowRemoved(id, counts, now); // the other flow of a binding already released
            return List.of();
        }
        Binding b = gone.get();
        // a session of a mapping that still has others keeps the public port
        boolean lastSession = release(b, now);
        listener.removed(b, reasonOf(removed.getReason()), counts, now);
        boolean idle = removed.getReason() == OFFlowRemovedReason.IDLE_TIMEOUT;
        counters.increment(idle ? "nat.binding_expired" : "nat.binding_removed");
        if (LOG.isDebugEnabled()) { // one line per binding: DEBUG, as its creation (NaptTranslator)
            LOG.debug("switch {}: binding {} {} {} -> {}{} {} after {} s{}", config.name(), b.id(),
                    b.protocol().label(), b.inside(), b.external(),
                    b.spec().remote() == null ? "" : " (session to " + b.spec().remote() + ")",
                    idle ? "expired" : "removed (" + removed.getReason() + ")", (now - b.createdAt()) / 1000,
                    lastSession ? "" : "; the mapping lives on");
        }
        return removeFlows(b, now);
    }

    private static BindingListener.RemovalReason reasonOf(OFFlowRemovedReason reason) {
        switch (reason) {
            case IDLE_TIMEOUT:
                return BindingListener.RemovalReason.IDLE_TIMEOUT;
            case HARD_TIMEOUT:
                return BindingListener.RemovalReason.HARD_TIMEOUT;
            case DELETE:
                return BindingListener.RemovalReason.SWITCH_DELETED;
            default:
                return BindingListener.RemovalReason.OTHER;
        }
    }

    /** Housekeeping once a second: ARP retries and refreshes, and dropping packets held too long. */
    public List<OFMessage> onTick(long now) {
        List<OFMessage> out = new ArrayList<>();
        insideHosts.expire(now);
        quotas.expire(now);
        listener.tick(now);
        long refusedUnreported = tableFullLog.overdue(TABLE_FULL, now);
        if (refusedUnreported > 0) {
            LOG.warn("switch {}: flow table full: {} more flow(s) refused since the last report; existing bindings"
                    + " kept", config.name(), refusedUnreported);
        }
        out.addAll(ftp.tick(now));
        out.addAll(rules.onTick(now));
        icmp.expire(now);
        out.addAll(fragments.expire(now));
        for (PendingPacket p : nextHop.expire(now)) {
            counters.increment("nat.pending_dropped");
            LOG.warn("switch {}: next hop {} did not answer ARP; dropped a packet from {}", config.name(),
                    config.outside().nextHop(), p.packet().src());
            out.addAll(napt.dropped(p.ref()));
        }
        if (nextHop.pendingCount() > 0 || nextHop.mac(now).isPresent()) {
            nextHop.requestIfDue(now).ifPresent(f -> out.add(compiler.sendFrame(config.outside().port(), f)));
        }
        return out;
    }

    private List<OFMessage> onArp(PacketRef ref, ArpPacket a, long now) {
        List<OFMessage> out = new ArrayList<>();
        if (arp.isNeighbour(ref.inPort(), a.senderIp())) {
            arpCache.learn(a.senderIp(), a.senderMac(), now);
            if (!ref.inPort().equals(config.outside().port())) {
                insideHosts.learn(a.senderIp(), ref.inPort(), a.senderMac(), now);
            }
        }
        arp.replyTo(ref.inPort(), a).ifPresent(frame -> {
            counters.increment("nat.arp.replied");
            out.add(compiler.sendFrame(ref.inPort(), frame));
        });
        if (a.senderIp().equals(config.outside().nextHop()) && ref.inPort().equals(config.outside().port())) {
            Optional<MacAddress> mac = nextHop.mac(now);
            if (mac.isPresent()) {
                for (PendingPacket p : nextHop.drain()) {
                    out.addAll(onIpv4(p.ref(), p.packet(), now));
                }
            }
        }
        if (out.isEmpty()) {
            counters.increment("nat.arp.ignored");
        }
        out.addAll(napt.dropped(ref));
        return out;
    }

    private List<OFMessage> onIpv4(PacketRef ref, Ipv4Packet ip, long now) {
        if (ref.inPort().equals(config.outside().port())) {
            return onOutsideIpv4(ref, ip, now);
        }
        int at = insideIndex(ref.inPort());
        if (at < 0) {
            counters.increment("nat.ignored.unknown_port");
            return napt.dropped(ref);
        }
        Optional<InsideConfig> inside = Optional.of(insides[at]);
        if ((ip.src().getInt() & insideMasks[at]) != insideNetworks[at]) {
            counters.increment("nat.ignored.foreign_source");
            return napt.dropped(ref);
        }
        insideHosts.learn(ip.src(), ref.inPort(), ip.ethSrc(), now);
        if (ip.ttl() <= 1 && !ip.dst().equals(inside.get().gateway())) {
            return concat(icmp.timeExceeded(ref, ip, inside.get(), now), napt.dropped(ref));
        }
        // probes of one virtual server come from one gateway address, also to servers on other inside networks
        if (isInsideGateway(ip.dst())) {
            Optional<VirtualServerRuntime> probed = rules.probeOwner(ip);
            if (probed.isPresent()) { // a server's answer to a health check
                return concat(probed.get().onProbeReply(ref, ip, now), napt.dropped(ref));
            }
        }
        Optional<Rule> rule = isLocal(ip.dst()) ? Optional.empty() : rules.forOutbound(ip);
        Optional<RuleRuntime> runtime = rule.flatMap(r -> rules.runtime(r.number()));
        if (runtime.isPresent()) { // static, network or twice NAT: the rule's flows are made now
            return runtime.get().onOutbound(ref, ip, inside.get(), now);
        }
        if (ip.fragment() && !isLocal(ip.dst())) {
            return fragments.outbound(ref, ip, inside.get(), nextHop.mac(now), now);
        }
        if (ip.protocol() == Ipv4Packet.PROTO_ICMP && !ip.fragment()) {
            return concat(icmp.fromInside(ref, ip, inside.get(), nextHop.mac(now), now), napt.dropped(ref));
        }
        if (ip.hasPorts() && !ip.fragment() && rules.addresses().isTranslated(ip.dst())) {
            return hairpin.translate(ref, ip, inside.get(), nextHop.mac(now), now);
        }
        String refusal = refusal(ip, inside.get());
        if (refusal != null) {
            counters.increment("nat.ignored." + refusal);
            LOG.debug("switch {}: not translated ({}): {} -> {} proto {}", config.name(), refusal, ip.src(),
                    ip.dst(), ip.protocol());
            return napt.dropped(ref);
        }
        if (ip.protocol() == Ipv4Packet.PROTO_TCP && ftp.ownsFromInside(ip)) {
            return ftp.fromInside(ref, ip, now);
        }
        if (ip.protocol() == Ipv4Packet.PROTO_TCP && TcpFlags.closes(ip.tcpFlags())) {
            return tcp.onInside(ref, ip, now);
        }
        if (rule.isEmpty()) {
            counters.increment("nat.ignored.no_rule");
            LOG.debug("switch {}: no rule takes {} -> {} proto {}; not translated", config.name(), ip.src(), ip.dst(),
                    ip.protocol());
            return napt.dropped(ref);
        }
        Endpoint source = new Endpoint(ip.src(), ip.srcPort());
        Optional<Binding> served = table.byInside(ip.transport(), source);
        if (served.isPresent() && rules.holdsPort(served.get())) {
            // a virtual server's or a forward's endpoint: its packets go through the flows its rule made
            Optional<Binding> carrying = table.forOutbound(ip.transport(), source, new Endpoint(ip.dst(), ip.dstPort()));
            if (carrying.isPresent()) {
                return List.of(compiler.forwardOutbound(carrying.get().spec(), ref));
            }
            counters.increment("nat.ignored.published_endpoint");
            return napt.dropped(ref);
        }
        Optional<NaptTranslator.Source> from = sources.sourceFor(rule.get(), ip.src(), now);
        if (from.isEmpty()) {
            return refusedByPool(rule.get(), ref, ip, inside.get(), now);
        }
        Optional<MacAddress> mac = nextHop.mac(now);
        if (mac.isEmpty()) {
            List<OFMessage> out = new ArrayList<>();
            if (nextHop.hold(new PendingPacket(ref, ip, now))) {
                counters.increment("nat.pending_held");
            } else {
                counters.increment("nat.pending_dropped");
                out.addAll(napt.dropped(ref));
            }
            nextHop.requestIfDue(now).ifPresent(f -> out.add(compiler.sendFrame(config.outside().port(), f)));
            return out;
        }
        // a SYN on a connection that already has an ordinary binding (its first segments were not a
        // SYN) goes through that binding: a second session for the same remote cannot exist
        if (ftp.opensControl(ip) && table.forOutbound(Protocol.TCP, new Endpoint(ip.src(), ip.srcPort()),
                new Endpoint(ip.dst(), ip.dstPort())).isEmpty()) {
            return ftp.open(ref, ip, inside.get(), mac.get(), now);
        }
        Optional<Long> ftpParent = ftp.passiveParent(ip, now);
        List<OFMessage> out = napt.translate(ref, ip, inside.get(), mac.get(), now, from.get());
        Endpoint destination = new Endpoint(ip.dst(), ip.dstPort());
        ftpParent.ifPresent(control -> table.forOutbound(Protocol.TCP, new Endpoint(ip.src(), ip.srcPort()),
                destination).ifPresent(data -> ftp.adoptPassive(control, data, destination)));
        return out;
    }

    /**
     * A pool with no address for the host and no fallback: the flow is refused (RFC 2663 basic NAT has no
     * other answer), the host told at once with ICMP admin-prohibited; nothing live is evicted.
     */
    private List<OFMessage> refusedByPool(Rule rule, PacketRef ref, Ipv4Packet ip, InsideConfig inside, long now) {
        counters.increment("nat.pool.exhausted");
        long n = poolLog.due(rule.id(), now);
        if (n > 0) {
            LOG.warn("switch {}: rule '{}': address pool exhausted, {} new flow(s) refused (latest from {}); live"
                    + " bindings kept", config.name(), rule.id(), n, ip.src());
        }
        List<OFMessage> out = new ArrayList<>();
        out.add(compiler.sendFrame(ref.inPort(), IcmpFrames.adminProhibited(ref.data(), inside.mac(),
                inside.gateway())));
        out.addAll(napt.dropped(ref));
        return out;
    }

    private PublicAddresses publicAddresses() {
        return rules.addresses();
    }

    private boolean isTranslated(org.projectfloodlight.openflow.types.IPv4Address a) {
        return rules.addresses().isTranslated(a);
    }

    private PipelineSpec currentPipeline() {
        return pipelineSpec(config, rules.addresses());
    }

    /**
     * A flow-statistics poll of the binding flows: {@code bytesOf} gives a binding's cumulative bytes (both
     * directions) as the switch counted them at {@code snapshotAt}. Feeds the virtual servers' byte policy.
     */
    public void onTrafficPolled(java.util.function.LongFunction<Optional<Long>> bytesOf, long snapshotAt, long now) {
        rules.onTrafficPolled(bytesOf, snapshotAt, now);
    }

    /** The rule chain in force. */
    public List<Rule> rules() {
        return rules.chain().rules();
    }

    /** The chain with each rule's position and live status (the caller holds the engine's lock). */
    public List<RuleStatus> ruleStatuses(long now) {
        return rules.statuses(now);
    }

    /**
     * Adds a rule at {@code position} (1-based; size + 1 appends, later rules shift down). Checked against the
     * whole chain first; a refusal changes nothing. Bindings of other rules are not touched.
     */
    public RuleChange addRule(Rule rule, int position, long now) {
        RuleChange change = rules.add(rule, position, now);
        if (change instanceof RuleChange.Applied a) {
            // the rule's addresses: ARP, ICMP and first packets to the controller
            List<OFMessage> out = new ArrayList<>(compiler.pipeline(currentPipeline(), meter.metered()));
            out.addAll(a.messages());
            out.add(compiler.barrier());
            return new RuleChange.Applied(a.rule(), a.position(), out, 0);
        }
        return change;
    }

    /**
     * Deletes the rule {@code id}: its flows, and every binding made under it (released as an operator's delete
     * would). Empty when there is no such rule.
     */
    public Optional<RuleChange.Applied> deleteRule(String id, long now) {
        PipelineSpec before = currentPipeline();
        Optional<Rule> gone = rules.delete(id);
        if (gone.isEmpty()) {
            return Optional.empty();
        }
        Rule rule = gone.get();
        // the pipeline flows of public addresses no rule uses any more
        List<OFMessage> out = new ArrayList<>(compiler.pipelineRemoved(before, currentPipeline()));
        int removed = 0;
        List<Binding> owned = table.all().stream()
                .filter(b -> b.rule() == rule.number() && !RuleCookies.isForwardId(b.id())).toList();
        for (Binding b : owned) {
            List<OFMessage> flows = removeLive(b, BindingListener.RemovalReason.DELETED_BY_OPERATOR, now);
            if (!flows.isEmpty()) { // empty: gone meanwhile
                removed++;
            }
            out.addAll(flows);
        }
        int forwards = (int) table.all().stream().filter(b -> b.rule() == rule.number()).count();
        out.addAll(rules.stop(rule, now)); // forwards' bindings, flows, traps, reservations
        out.add(compiler.barrier());
        LOG.info("switch {}: rule '{}' deleted with {} binding(s)", config.name(), rule.id(), removed + forwards);
        return Optional.of(new RuleChange.Applied(rule, 0, out, removed + forwards));
    }

    /** IPv4 from the outside port that the pipeline sent up (slow-path classes only; never table misses). */
    private List<OFMessage> onOutsideIpv4(PacketRef ref, Ipv4Packet ip, long now) {
        if (ip.fragment()) {
            return rules.addresses().isTranslated(ip.dst()) && ip.ttl() > 1
                    ? fragments.inbound(ref, ip, now) : napt.dropped(ref);
        }
        Optional<RuleRuntime> trapped = rules.inboundTaker(ip);
        if (trapped.isPresent()) { // a new connection to a virtual server, or twice NAT from the other site
            return trapped.get().onInbound(ref, ip, now);
        }
        if (ftp.ownsFromOutside(ip)) {
            return ftp.fromOutside(ref, ip, now);
        }
        if (ip.protocol() == Ipv4Packet.PROTO_TCP) {
            return tcp.onOutside(ref, ip, now);
        }
        if (ip.protocol() == Ipv4Packet.PROTO_ICMP && !ip.fragment()) {
            return concat(icmp.fromOutside(ref, ip, now), napt.dropped(ref));
        }
        counters.increment("nat.ignored.outside");
        return napt.dropped(ref);
    }

    private static List<OFMessage> concat(List<OFMessage> a, List<OFMessage> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<OFMessage> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Why a packet from inside is not masqueraded, as a counter suffix; null when it is. */
    private String refusal(Ipv4Packet ip, InsideConfig inside) {
        if (ip.protocol() != Ipv4Packet.PROTO_TCP && ip.protocol() != Ipv4Packet.PROTO_UDP) {
            return "protocol";
        }
        if (ip.fragment()) {
            return "fragment";
        }
        if (isLocal(ip.dst())) {
            return "local_destination";
        }
        return null;
    }

    /** An address of the gateway itself or of an inside network (not translated outbound). */
    private boolean isLocal(org.projectfloodlight.openflow.types.IPv4Address address) {
        // plain loops over the precomputed networks (InsideConfig.contains builds a masked address per call):
        // this runs two or three times per packet-in
        int a = address.getInt();
        for (int i = 0; i < insides.length; i++) {
            if ((a & insideMasks[i]) == insideNetworks[i]) {
                return true;
            }
        }
        return rules.addresses().isPublic(address);
    }

    private boolean isInsideGateway(org.projectfloodlight.openflow.types.IPv4Address address) {
        for (InsideConfig i : insides) {
            if (i.gateway().equals(address)) {
                return true;
            }
        }
        return false;
    }

    private Optional<InsideConfig> insideOf(OFPort port) {
        int at = insideIndex(port);
        return at < 0 ? Optional.empty() : Optional.of(insides[at]);
    }

    /** The position in config.inside() of the network reached through {@code port}; -1 for none. */
    private int insideIndex(OFPort port) {
        for (int i = 0; i < insides.length; i++) {
            if (insides[i].ports().contains(port)) {
                return i;
            }
        }
        return -1;
    }

    static PipelineSpec pipelineSpec(SwitchConfig config) {
        return pipelineSpec(config, PublicAddresses.of(config.outside(), config.rules()));
    }

    static PipelineSpec pipelineSpec(SwitchConfig config, PublicAddresses addresses) {
        List<PipelineSpec.InsideSegment> inside = config.inside().stream()
                .map(i -> new PipelineSpec.InsideSegment(i.ports(), i.gateway(), i.mac()))
                .toList();
        return new PipelineSpec(inside, new PipelineSpec.OutsideSegment(config.outside().port(),
                addresses.translated(), config.outside().mac()));
    }
}
