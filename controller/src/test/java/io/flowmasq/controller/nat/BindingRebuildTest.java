package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.FlowDecompiler;
import io.flowmasq.flowcompiler.HairpinSpec;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Priorities;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.flowcompiler.TcpFlags;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The binding table rebuilt from a switch's flows: a first engine makes bindings (its flows land in a simulated
 * table), the table is reported as flow stats, and a second engine (a restarted controller) or the first
 * (a reconnect) reconciles with it.
 */
class BindingRebuildTest {
    private static final TimerConfig TIMERS = new TimerConfig("rfc", 7440, 240, 300, 60);
    private static final long AGE_MS = 90_000;

    /** The simulated table as a flow-stats reply would report it, every flow {@code ageSec} old. */
    static List<InstalledFlow> dump(EngineHarness h, Predicate<FlowTableSimulator.Entry> keep) {
        List<InstalledFlow> out = new ArrayList<>();
        for (FlowTableSimulator.Entry e : h.table.entries()) {
            if (!keep.test(e)) {
                continue;
            }
            OFFlowStatsEntry.Builder b = h.factory.buildFlowStatsEntry()
                    .setCookie(U64.of(e.cookie())).setPriority(e.priority()).setMatch(e.match())
                    .setIdleTimeout(e.idleTimeout()).setDurationSec(AGE_MS / 1000).setDurationNsec(0)
                    .setPacketCount(U64.of(3)).setByteCount(U64.of(300));
            if (h.factory.getVersion() == OFVersion.OF_10) {
                b.setActions(e.actions());
            } else {
                b.setTableId(TableId.ZERO).setInstructions(e.actions().isEmpty() ? List.of()
                        : List.of(h.factory.instructions().applyActions(e.actions())));
            }
            out.add(FlowDecompiler.decompile(b.build()));
        }
        return out;
    }

    static List<InstalledFlow> dump(EngineHarness h) {
        return dump(h, e -> true);
    }

    private static byte[] udpFrom(MacAddress1 host, int port) {
        return Frames.udp(host.mac, GW_IN, host.ip, port, "198.51.100.7", 53, new byte[8]);
    }

    /** An inside host: its MAC and address. */
    private record MacAddress1(org.projectfloodlight.openflow.types.MacAddress mac, String ip) {
    }

    private static final MacAddress1 HOST1 = new MacAddress1(H1, "10.0.0.11");
    private static final MacAddress1 HOST2 = new MacAddress1(H2, "10.0.0.12");

    private static EngineHarness harness(OFVersion v, BindingIds ids, RecordingListener listener) {
        return new EngineHarness(v, EngineHarness.config(PortRange.DEFAULT, TIMERS), ids, listener);
    }

    /** Five bindings of two hosts: three UDP, two TCP (one answered, one not). */
    private static EngineHarness withBindings(OFVersion v) {
        EngineHarness h = harness(v, new BindingIds(), new RecordingListener()).connected();
        h.switchReceives(P1, udpFrom(HOST1, 5001));
        h.switchReceives(P1, udpFrom(HOST1, 5002));
        h.switchReceives(P2, udpFrom(HOST2, 5001));
        h.switchReceives(P1, Frames.tcp(H1, GW_IN, "10.0.0.11", 40001, "198.51.100.7", 80, TcpFlags.SYN));
        h.switchReceives(P2, Frames.tcp(H2, GW_IN, "10.0.0.12", 40002, "198.51.100.7", 80, TcpFlags.SYN));
        // the first one's server answers: ESTABLISHED where the switch reports it (OF1.3)
        Binding first = tcpOf(h, 40001);
        h.switchReceives(OUT, Frames.tcp(EngineHarness.ROUTER, EngineHarness.GW_OUT, "198.51.100.7", 80,
                first.external().address().toString(), first.external().port(), TcpFlags.SYN | TcpFlags.ACK));
        return h;
    }

    private static Binding tcpOf(EngineHarness h, int insidePort) {
        return h.engine.snapshot().stream().filter(b -> b.protocol() == Protocol.TCP && b.inside().port() == insidePort)
                .findFirst().orElseThrow();
    }

    private static Map<Long, Binding> byId(NatEngine e) {
        return e.snapshot().stream().collect(Collectors.toMap(Binding::id, b -> b));
    }

    private static List<OFMessage> xid0(List<OFMessage> ms) {
        return ms.stream().map(m -> m.createBuilder().setXid(0).build()).toList();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aRestartedControllerAdoptsEveryBindingWithItsIdPortAndState(OFVersion v) {
        EngineHarness before = withBindings(v);
        Map<Long, Binding> old = byId(before.engine);
        assertEquals(5, old.size());
        BindingIds ids = new BindingIds();
        RecordingListener listener = new RecordingListener();
        EngineHarness after = harness(v, ids, listener);
        after.now = before.now + 5_000;
        after.apply(after.engine.onConnect(after.now));
        after.table.applyAll(List.of()); // the restarted controller's pipeline; the bindings come from the dump:
        NatEngine.Rebuilt r = after.engine.reconcile(dump(before), after.now);

        assertEquals(List.of(), r.messages(), "nothing to repair or delete");
        assertEquals(5, r.summary().adopted());
        assertEquals(0, r.summary().removedTotal());
        Map<Long, Binding> adopted = byId(after.engine);
        assertEquals(old.keySet(), adopted.keySet());
        for (Binding b : old.values()) {
            Binding a = adopted.get(b.id());
            assertEquals(b.spec(), a.spec());
            assertEquals(b.state(), a.state(), "state of " + b);
            assertEquals(after.now - AGE_MS, a.createdAt());
        }
        if (v == OFVersion.OF_13) {
            assertEquals(BindingState.TRANSITORY, tcpOf(after, 40002).state(), "not answered yet: still reports");
            assertEquals(BindingState.ESTABLISHED, tcpOf(after, 40001).state());
        }
        assertEquals(5, after.counter("nat.rebuild.adopted"));
        assertEquals(5, listener.take().size(), "each adopted binding is told as created");
        long maxOld = old.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(ids.next() > maxOld, "new ids never reuse a cookie on the switch");

        // a new host sending from the public port an adopted binding holds does not get it (port preservation
        // would have given it): the adopted ports are reserved
        after.routerAnswersArp();
        Set<Integer> heldPorts = old.values().stream().filter(b -> b.protocol() == Protocol.UDP)
                .map(b -> b.external().port()).collect(Collectors.toSet());
        for (int port : heldPorts) {
            MacAddress1 h3 = new MacAddress1(org.projectfloodlight.openflow.types.MacAddress.of("00:00:00:00:00:13"),
                    "10.0.0.13");
            after.switchReceives(P1, udpFrom(h3, port));
            Binding fresh = after.engine.snapshot().stream()
                    .filter(b -> b.inside().address().equals(IPv4Address.of("10.0.0.13")) && b.inside().port() == port)
                    .findFirst().orElseThrow();
            assertNotEquals(port, fresh.external().port(), "public port " + port + " is still an old flow's");
            assertTrue(fresh.id() > maxOld);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aHalfInstalledBindingGetsItsMissingFlowBack(OFVersion v) {
        EngineHarness before = withBindings(v);
        Binding udp = before.engine.snapshot().stream().filter(b -> b.protocol() == Protocol.UDP)
                .min(Comparator.comparingLong(Binding::id)).orElseThrow();
        Binding tcp = tcpOf(before, 40002);
        long udpCookie = Cookies.binding(udp.id()).getValue();
        long tcpCookie = Cookies.binding(tcp.id()).getValue();
        // the UDP binding lost its outbound flow, the TCP one its inbound flow
        List<InstalledFlow> flows = dump(before, e -> !(e.cookie() == udpCookie && e.idleTimeout() > 0)
                && !(e.cookie() == tcpCookie && e.idleTimeout() == 0));
        EngineHarness after = harness(v, new BindingIds(), new RecordingListener());
        NatEngine.Rebuilt r = after.engine.reconcile(flows, after.now);

        FlowCompiler c = FlowCompiler.forFactory(after.factory);
        assertEquals(xid0(List.of(c.reinstallOutbound(udp.spec()), c.installInbound(tcp.spec()))),
                xid0(r.messages()));
        assertEquals(2, r.summary().repaired());
        assertEquals(3, r.summary().adopted());
        assertEquals(udp.spec(), after.engine.bindings().byId(udp.id()).orElseThrow().spec());
        assertEquals(2, after.counter("nat.rebuild.repaired"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aLoneFlowWhoseOtherHalfCannotBeCompletedIsDeleted(OFVersion v) {
        EngineHarness before = harness(v, new BindingIds(), new RecordingListener()).connected();
        before.switchReceives(P1, udpFrom(HOST1, 5001));
        Binding only = before.engine.snapshot().get(0);
        long cookie = Cookies.binding(only.id()).getValue();
        // its inbound flow alone; no other flow shows the next hop's MAC
        List<InstalledFlow> flows = dump(before, e -> e.cookie() == cookie && e.idleTimeout() == 0);
        EngineHarness after = harness(v, new BindingIds(), new RecordingListener());
        NatEngine.Rebuilt r = after.engine.reconcile(flows, after.now);
        FlowCompiler c = FlowCompiler.forFactory(after.factory);
        InstalledFlow f = flows.get(0);
        assertEquals(xid0(c.deleteFlow(f.cookie(), f.priority(), f.match())), xid0(r.messages()));
        assertEquals(Map.of("incomplete", 1), r.summary().removed());
        assertEquals(0, after.engine.bindings().size());
        assertEquals(1, after.counter("nat.rebuild.removed.incomplete"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void twoBindingsOnOnePublicEndpointKeepTheLowerId(OFVersion v) {
        FlowCompiler c = FlowCompiler.forFactory(org.projectfloodlight.openflow.protocol.OFFactories.getFactory(v));
        L2Hop toOutside = new L2Hop(OUT, EngineHarness.GW_OUT, EngineHarness.ROUTER);
        BindingSpec a = new BindingSpec(7, Protocol.UDP, Endpoint.of("10.0.0.11", 5001), Endpoint.of("203.0.113.1", 7000),
                new L2Hop(P1, GW_IN, H1), toOutside, 300, new RemoteFilter(IPv4Address.of("198.51.100.7"), 53));
        // under dependent filtering their inbound flows differ (the remote), so the switch can hold both
        BindingSpec b = new BindingSpec(9, Protocol.UDP, Endpoint.of("10.0.0.12", 5001), Endpoint.of("203.0.113.1", 7000),
                new L2Hop(P2, GW_IN, H2), toOutside, 300, new RemoteFilter(IPv4Address.of("198.51.100.8"), 53));
        EngineHarness sw = harness(v, new BindingIds(), new RecordingListener());
        sw.apply(c.installBinding(b));
        sw.apply(c.installBinding(a));
        EngineHarness after = harness(v, new BindingIds(), new RecordingListener());
        NatEngine.Rebuilt r = after.engine.reconcile(dump(sw), after.now);

        List<OFMessage> want = new ArrayList<>();
        for (InstalledFlow f : dump(sw, e -> e.cookie() == Cookies.binding(9).getValue())) {
            want.addAll(c.deleteFlow(f.cookie(), f.priority(), f.match()));
        }
        if (v == OFVersion.OF_13) {
            want = want.subList(0, 1); // one delete by cookie takes both flows
        }
        assertEquals(xid0(want), xid0(r.messages()));
        assertEquals(Set.of(7L), byId(after.engine).keySet());
        assertEquals(Map.of("conflict", 1), r.summary().removed());
    }

    @Test
    void aHandshakeFlowWithoutItsBindingsFlowsIsDeleted() {
        EngineHarness before = withBindings(OFVersion.OF_13);
        Binding tcp = tcpOf(before, 40002);
        long tcpCookie = Cookies.binding(tcp.id()).getValue();
        List<InstalledFlow> flows = dump(before, e -> e.cookie() != tcpCookie || e.priority() == Priorities.TCP_HANDSHAKE);
        EngineHarness after = harness(OFVersion.OF_13, new BindingIds(), new RecordingListener());
        NatEngine.Rebuilt r = after.engine.reconcile(flows, after.now);

        FlowCompiler c = FlowCompiler.forFactory(after.factory);
        OFFlowMod handshake = (OFFlowMod) c.handshakeFlow(tcp.spec(), HandshakeReport.INBOUND);
        assertEquals(xid0(c.deleteFlow(handshake.getCookie(), Priorities.TCP_HANDSHAKE, handshake.getMatch())),
                xid0(r.messages()));
        assertEquals(Map.of("orphan_handshake", 1), r.summary().removed());
        assertEquals(4, r.summary().adopted());
        assertTrue(after.engine.bindings().byId(tcp.id()).isEmpty());
    }

    @Test
    void aReconnectPutsTheHandshakeFlowsInLineWithTheBindingsState() {
        EngineHarness h = withBindings(OFVersion.OF_13);
        Binding transitory = tcpOf(h, 40002);
        Binding established = tcpOf(h, 40001);
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        // while the channel was down the switch lost the transitory binding's handshake flow, and the
        // established one's delete never arrived
        h.apply(c.removeHandshake(transitory.spec(), HandshakeReport.INBOUND));
        h.apply(List.of(c.handshakeFlow(established.spec().withIdleTimeout(240), HandshakeReport.INBOUND)));
        NatEngine.Rebuilt r = h.engine.reconcile(dump(h), h.now);

        List<OFMessage> want = new ArrayList<>(c.removeHandshake(established.spec(), HandshakeReport.INBOUND));
        // the engine does not record which side answers: one for each direction, the unused one goes with the binding
        want.add(c.handshakeFlow(transitory.spec(), HandshakeReport.INBOUND));
        want.add(c.handshakeFlow(transitory.spec(), HandshakeReport.OUTBOUND));
        assertEquals(xid0(want), xid0(r.messages()));
        assertEquals(2, r.summary().repaired());
        h.apply(r.messages());
        assertEquals(2, h.table.entriesWithCookie(Cookies.binding(established.id()).getValue()).size());
        assertEquals(4, h.table.entriesWithCookie(Cookies.binding(transitory.id()).getValue()).size());
        assertEquals(BindingState.TRANSITORY, h.engine.bindings().byId(transitory.id()).orElseThrow().state());
        // and the peer's answer still establishes it
        h.switchReceives(OUT, Frames.tcp(EngineHarness.ROUTER, EngineHarness.GW_OUT, "198.51.100.7", 80,
                transitory.external().address().toString(), transitory.external().port(), TcpFlags.SYN | TcpFlags.ACK));
        assertEquals(BindingState.ESTABLISHED, h.engine.bindings().byId(transitory.id()).orElseThrow().state());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aReconnectReleasesWhatTheSwitchLostAndReAddsWhatIsOutOfDate(OFVersion v) {
        RecordingListener listener = new RecordingListener();
        EngineHarness h = harness(v, new BindingIds(), listener).connected();
        h.switchReceives(P1, udpFrom(HOST1, 5001));
        h.switchReceives(P1, udpFrom(HOST1, 5002));
        h.switchReceives(P1, udpFrom(HOST1, 5003));
        List<Binding> bs = new ArrayList<>(h.engine.snapshot());
        bs.sort(Comparator.comparingLong(Binding::id));
        Binding lost = bs.get(0);
        Binding retimed = bs.get(1);
        listener.take();
        // while the channel was down the switch expired one binding (its FLOW_REMOVED never arrived), and a
        // re-time of another never arrived: the switch still has it with an older idle timeout
        long lostCookie = Cookies.binding(lost.id()).getValue();
        h.table.expire(lostCookie);
        h.table.entries().stream().filter(e -> e.cookie() == lostCookie).forEach(e -> {
            throw new AssertionError("still there: " + e);
        });
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        h.apply(List.of(c.reinstallOutbound(retimed.spec().withIdleTimeout(120))));
        NatEngine.Rebuilt r = h.engine.reconcile(dump(h), h.now);

        assertEquals(xid0(List.of(c.reinstallOutbound(retimed.spec()))), xid0(r.messages()));
        assertEquals(1, r.summary().released());
        assertEquals(1, r.summary().repaired());
        assertEquals(1, r.summary().kept());
        assertEquals(Set.of(retimed.id(), bs.get(2).id()), byId(h.engine).keySet());
        assertEquals(List.of(new RecordingListener.Removed(lost, BindingListener.RemovalReason.SWITCH_LOST, null, h.now)),
                listener.take());
        // its public port went back to the allocator (after the cooldown it can be preserved again)
        h.now += h.engine.config().portReuseDelaySeconds() * 1000L + 1; // another endpoint: the reuse delay
        h.switchReceives(P2, udpFrom(HOST2, lost.external().port()));
        assertTrue(h.engine.snapshot().stream().anyMatch(b -> b.inside().address().equals(IPv4Address.of("10.0.0.12"))
                && b.external().equals(lost.external())), "the released port is free again");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void algHairpinAndUnknownKindFlowsAreDeleted(OFVersion v) {
        FlowCompiler c = FlowCompiler.forFactory(org.projectfloodlight.openflow.protocol.OFFactories.getFactory(v));
        L2Hop toOutside = new L2Hop(OUT, EngineHarness.GW_OUT, EngineHarness.ROUTER);
        BindingSpec control = new BindingSpec(3, Protocol.TCP, Endpoint.of("10.0.0.11", 40000),
                Endpoint.of("203.0.113.1", 40000), new L2Hop(P1, GW_IN, H1), toOutside, 240,
                new RemoteFilter(IPv4Address.of("198.51.100.7"), 21));
        BindingSpec plain = new BindingSpec(4, Protocol.TCP, Endpoint.of("10.0.0.12", 40000),
                Endpoint.of("203.0.113.1", 41000), new L2Hop(P2, GW_IN, H2), toOutside, 7440);
        EngineHarness sw = harness(v, new BindingIds(), new RecordingListener());
        sw.apply(c.installAlgBinding(control));
        sw.apply(c.installBinding(plain));
        sw.apply(c.installHairpin(new HairpinSpec(1, plain, plain)));
        OFFlowMod stray = (OFFlowMod) c.installBinding(plain).get(0);
        sw.apply(List.of(stray.createBuilder().setCookie(U64.of(0xF1L << 56 | 0x09L << 48 | 4)).setPriority(99).build()));
        EngineHarness after = harness(v, new BindingIds(), new RecordingListener());
        NatEngine.Rebuilt r = after.engine.reconcile(dump(sw), after.now);

        assertEquals(Map.of("alg", 1, "hairpin", 1, "unknown_kind", 1), r.summary().removed());
        assertEquals(1, r.summary().adopted());
        assertEquals(Set.of(4L), byId(after.engine).keySet());
        // every deleted flow is gone from the switch after the messages, the adopted binding's are not
        sw.apply(r.messages());
        assertEquals(Set.of(Cookies.binding(4).getValue()), sw.table.entries().stream()
                .map(FlowTableSimulator.Entry::cookie).collect(Collectors.toSet()));
    }

    @Test
    void aStaticBindingTheSwitchLostIsInstalledAgain() {
        EngineHarness h = harness(OFVersion.OF_13, new BindingIds(), new RecordingListener()).connected();
        // the host must be known for a static binding
        h.packetIn(P1, Frames.arp(1, org.projectfloodlight.openflow.types.MacAddress.BROADCAST, H1, "10.0.0.11",
                org.projectfloodlight.openflow.types.MacAddress.NONE, "10.0.0.1"));
        StaticOutcome o = h.engine.createStatic(new StaticRequest(Protocol.TCP, Endpoint.of("10.0.0.11", 8080),
                Endpoint.of("203.0.113.1", 8080)), h.now);
        Binding s = ((StaticOutcome.Created) o).binding();
        // the switch restarted: no flows at all
        NatEngine.Rebuilt r = h.engine.reconcile(List.of(), h.now);
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        assertEquals(xid0(c.installBinding(s.spec())), xid0(r.messages()));
        assertEquals(1, r.summary().repaired());
        assertTrue(h.engine.bindings().byId(s.id()).isPresent());
    }
}
