package io.flowmasq.controller.session;

import static io.flowmasq.controller.session.SessionFixtures.H1;
import static io.flowmasq.controller.session.SessionFixtures.OUT;
import static io.flowmasq.controller.session.SessionFixtures.P1;
import static io.flowmasq.controller.session.SessionFixtures.P2;
import static io.flowmasq.controller.session.SessionFixtures.hostArp;
import static io.flowmasq.controller.session.SessionFixtures.routerArpReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import io.flowmasq.controller.config.EffectiveConfig;
import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.config.ListenConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.BindingListener;
import io.flowmasq.controller.nat.Frames;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.openflow.SwitchHandler;
import io.flowmasq.rest.BindingView;
import io.flowmasq.rest.HealthView;
import io.flowmasq.rest.NatServiceException;
import io.flowmasq.rest.StaticBindingRequest;
import io.flowmasq.rest.SwitchView;
import io.flowmasq.rest.SwitchView.PortView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class ControllerNatServiceTest {
    private static final SwitchConfig S1 = SessionFixtures.switchConfig(1, "s1");
    private static final SwitchConfig S2 = SessionFixtures.switchConfig(2, "s2");
    private static final String DPID1 = "00:00:00:00:00:00:00:01";
    private static final String DPID2 = "00:00:00:00:00:00:00:02";

    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final BindingIds ids = new BindingIds();
    private final AtomicLong packetIns = new AtomicLong();
    private final RateMeter meter = new RateMeter(packetIns::get, clock, 2);
    private SwitchSessions sessions;
    private ControllerNatService service;

    /** A connected switch: its fake connection and the handler the sessions gave it. */
    private record Connected(FakeSwitchConnection conn, SwitchHandler handler) {
        OFFactory factory() {
            return conn.factory();
        }

        List<OFMessage> packetIn(OFPort port, byte[] frame) {
            handler.onMessage(SessionFixtures.packetIn(factory(), port, frame));
            return conn.take();
        }

        void udpFrom(int srcPort) {
            packetIn(P1, SessionFixtures.udpFromH1(srcPort));
        }

        void tcpFrom(int srcPort) {
            packetIn(P1, Frames.tcp(H1, SessionFixtures.GW_IN, "10.0.0.11", srcPort, "198.51.100.7", 80,
                    Frames.SYN));
        }

        /** Answers the barrier the controller sent last. */
        void confirm() {
            List<OFMessage> sent = conn.take();
            OFBarrierRequest barrier = assertInstanceOf(OFBarrierRequest.class, sent.get(sent.size() - 1));
            handler.onMessage(factory().buildBarrierReply().setXid(barrier.getXid()).build());
        }
    }

    private void start(SwitchConfig... switches) {
        FlowmasqConfig config = new FlowmasqConfig(new ListenConfig("0.0.0.0", 6653),
                new ListenConfig("127.0.0.1", 8080), TimerConfig.RFC, List.of(switches));
        sessions = new SwitchSessions(config, (sc, compiler) -> new NatEngine(sc, compiler, n -> { }, ids,
                BindingListener.NONE), clock, SwitchMetrics.NONE);
        service = new ControllerNatService(sessions, () -> Map.of("nat.packet_in", 7L), clock,
                EffectiveConfig.toJson(config), scheduler, meter);
    }

    private static OFPortDesc port(OFFactory f, int number, String name, boolean up) {
        return f.buildPortDesc().setPortNo(OFPort.of(number)).setName(name)
                .setHwAddr(MacAddress.of(0x0a0000000000L | number))
                .setState(up ? Set.of() : Set.of(OFPortState.LINK_DOWN)).build();
    }

    private static List<OFPortDesc> ports(OFFactory f) {
        return List.of(port(f, 1, "eth1", true), port(f, 2, "eth2", false), port(f, 3, "eth3", true),
                port(f, 4, "eth4", true), f.buildPortDesc().setPortNo(OFPort.LOCAL).setName("br0").build());
    }

    private Connected connect(long dpid, OFVersion v) {
        FakeSwitchConnection conn = new FakeSwitchConnection(DatapathId.of(dpid), v);
        OFFactory f = conn.factory();
        OFFeaturesReply.Builder features = f.buildFeaturesReply().setDatapathId(DatapathId.of(dpid));
        if (v == OFVersion.OF_10) {
            features.setPorts(ports(f));
        }
        SwitchHandler handler = sessions.connected(conn, features.build());
        if (sessions.managed(DatapathId.of(dpid)).isPresent()) {
            SwitchRebuildTest.answerRebuild(conn, handler, List.of());
        }
        if (v != OFVersion.OF_10) {
            handler.onMessage(f.buildPortDescStatsReply().setEntries(ports(f)).build());
        }
        Connected c = new Connected(conn, handler);
        c.packetIn(OUT, routerArpReply());
        conn.take();
        return c;
    }

    private static NatServiceException failure(Supplier<CompletableFuture<?>> call) {
        CompletableFuture<?> f;
        try {
            f = call.get();
        } catch (NatServiceException thrown) {
            return thrown;
        }
        assertTrue(f.isCompletedExceptionally(), "failed: " + f);
        return assertInstanceOf(NatServiceException.class, assertThrows(ExecutionException.class, f::get).getCause());
    }

    private static List<Long> idsOf(List<BindingView> views) {
        return views.stream().map(BindingView::id).toList();
    }

    @Test
    void bindingsAreOrderedByIdAcrossSwitchesAndAStableSnapshot() {
        start(S1, S2);
        Connected a = connect(1, OFVersion.OF_13);
        Connected b = connect(2, OFVersion.OF_10);
        a.udpFrom(5001); // 1
        b.udpFrom(5001); // 2
        b.udpFrom(5002); // 3
        a.udpFrom(5002); // 4
        List<BindingView> list = service.bindings();
        assertEquals(List.of(1L, 2L, 3L, 4L), idsOf(list));
        assertEquals(List.of(DPID1, DPID2, DPID2, DPID1), list.stream().map(BindingView::dpid).toList());
        assertEquals(List.of("s1", "s2", "s2", "s1"), list.stream().map(BindingView::switchName).toList());
        BindingView first = list.get(0);
        assertEquals(new BindingView(1, DPID1, "s1", "udp", "10.0.0.11", 5001, "203.0.113.1", 5001,
                null, "active", "dynamic", 0, 300, null, "0xf101000000000001", null, List.of()), first);
        List<BindingView> copy = new ArrayList<>(list);

        // the engines move on: a binding goes, another comes, time passes
        clock.now += 5_000;
        a.udpFrom(5003);
        CompletableFuture<Boolean> deleted = service.deleteBinding(2);
        b.confirm();
        assertEquals(true, deleted.getNow(null));
        assertEquals(copy, list, "the list still shows the instant it was taken");
        assertEquals(4, list.size());
        assertEquals(List.of(1L, 3L, 4L, 5L), idsOf(service.bindings()));
        assertEquals(5, service.bindings().get(0).ageSeconds());
    }

    @Test
    void statsCountBindingsByProtocolAcrossSwitches() {
        start(S1, S2);
        Connected a = connect(1, OFVersion.OF_13);
        Connected b = connect(2, OFVersion.OF_13);
        a.udpFrom(5001);
        a.tcpFrom(40000);
        b.udpFrom(5001);
        b.udpFrom(5002);
        meter.sample();
        clock.now += 1_000;
        packetIns.set(50);
        meter.sample();
        var stats = service.stats();
        assertEquals(3L, stats.bindingsByProtocol().get("udp"));
        assertEquals(1L, stats.bindingsByProtocol().get("tcp"));
        assertEquals(50.0, stats.packetInsPerSecond());
        assertEquals(Map.of("nat.packet_in", 7L), stats.counters());
    }

    @Test
    void healthCountsConfiguredAndConnectedSwitches() {
        start(S1, S2);
        assertEquals(new HealthView(true, 2, 0), service.health());
        assertFalse(service.health().ready());
        Connected a = connect(1, OFVersion.OF_13);
        connect(2, OFVersion.OF_10);
        assertEquals(new HealthView(true, 2, 2), service.health());
        a.handler().onDisconnect();
        assertEquals(new HealthView(true, 2, 1), service.health());
        assertTrue(service.health().ready());
    }

    @Test
    void switchesListsConfiguredAndUnconfiguredOnes() {
        start(S2, S1);
        Connected a = connect(1, OFVersion.OF_13);
        connect(99, OFVersion.OF_13);
        a.udpFrom(5001);
        List<PortView> ports = List.of(
                new PortView(1, "eth1", "0a:00:00:00:00:01", true, "inside"),
                new PortView(2, "eth2", "0a:00:00:00:00:02", false, "inside"),
                new PortView(3, "eth3", "0a:00:00:00:00:03", true, "outside"),
                new PortView(4, "eth4", "0a:00:00:00:00:04", true, null));
        assertEquals(List.of(
                // flows: the rebuild's flow-stats reply (empty here) already counted them
                new SwitchView(DPID1, "s1", "OF_13", "/192.0.2.1:40000", "2026-11-25T12:00:00Z", true, true, 1, 0,
                        ports, List.of("flow_removed", "flow_stats", "tcp_flags", "packet_in_cookie",
                        "invalid_ttl_to_controller", "cookie_mask")),
                new SwitchView(DPID2, "s2", null, null, null, true, false, 0, null, List.of(), List.of()),
                new SwitchView("00:00:00:00:00:00:00:63", null, "OF_13", "/192.0.2.99:40000",
                        "2026-11-25T12:00:00Z", false, true, 0, null, List.of(), List.of())),
                service.switches());

        Connected b = connect(2, OFVersion.OF_10);
        SwitchView s2 = service.switches().get(1);
        assertEquals("OF_10", s2.version());
        assertEquals(ports, s2.ports(), "OF1.0: from the features reply");
        assertEquals(List.of("flow_removed", "flow_stats"), s2.capabilities());
        b.handler().onDisconnect();
        s2 = service.switches().get(1);
        assertFalse(s2.connected());
        assertEquals("OF_10", s2.version(), "the last connection's");
    }

    @Test
    void createBindingNeedsASwitchWhenThereAreSeveral() {
        start(S1, S2);
        connect(1, OFVersion.OF_13);
        connect(2, OFVersion.OF_13);
        NatServiceException e = failure(() -> service.createBinding(
                new StaticBindingRequest(null, "tcp", "10.0.0.11", 22, "203.0.113.1", 2222)));
        assertEquals(NatServiceException.Kind.INVALID, e.kind());
        assertEquals("switch", e.field());

        e = failure(() -> service.createBinding(
                new StaticBindingRequest(5L, "tcp", "10.0.0.11", 22, "203.0.113.1", 2222)));
        assertEquals(NatServiceException.Kind.INVALID, e.kind());
        assertEquals("switch", e.field());
        assertTrue(e.getMessage().contains("00:00:00:00:00:00:00:05"), e.getMessage());
    }

    @Test
    void createBindingRefusesIcmp() {
        start(S1);
        connect(1, OFVersion.OF_13);
        NatServiceException e = failure(() -> service.createBinding(
                new StaticBindingRequest(1L, "icmp", "10.0.0.11", 1, "203.0.113.1", 1)));
        assertEquals(NatServiceException.Kind.INVALID, e.kind());
        assertEquals("protocol", e.field());
    }

    @Test
    void createBindingOnTheOnlySwitchCompletesOnceConfirmed() {
        start(S1);
        Connected a = connect(1, OFVersion.OF_13);
        a.packetIn(P2, hostArp(SessionFixtures.H2, "10.0.0.12"));
        CompletableFuture<BindingView> f = service.createBinding(
                new StaticBindingRequest(null, "udp", "10.0.0.12", 5060, "203.0.113.1", 5060));
        assertFalse(f.isDone());
        clock.now += 3_000;
        a.confirm();
        assertEquals(new BindingView(1, DPID1, "s1", "udp", "10.0.0.12", 5060, "203.0.113.1", 5060, null,
                "active", "static", 3, 0, null, "0xf101000000000001", null, List.of()), f.getNow(null));

        NatServiceException e = failure(() -> service.createBinding(
                new StaticBindingRequest(1L, "udp", "10.0.0.12", 5060, "203.0.113.1", 5061)));
        assertEquals(NatServiceException.Kind.CONFLICT, e.kind());
        assertEquals(1L, e.conflictingBinding());
    }

    @Test
    void deleteBindingFindsTheSwitchOrAnswersFalse() {
        start(S1, S2);
        connect(1, OFVersion.OF_13);
        Connected b = connect(2, OFVersion.OF_10);
        b.udpFrom(5001);
        assertEquals(false, service.deleteBinding(7).getNow(null));
        CompletableFuture<Boolean> f = service.deleteBinding(1);
        assertFalse(f.isDone());
        b.confirm();
        assertEquals(true, f.getNow(null));
        assertEquals(List.of(), service.bindings());
        assertEquals(false, service.deleteBinding(1).getNow(null));
    }

    @Test
    void theEffectiveConfigCannotBeChangedByItsReaders() {
        start(S1);
        JsonElement config = service.effectiveConfig();
        config.getAsJsonObject().remove("switches");
        assertTrue(service.effectiveConfig().getAsJsonObject().has("switches"));
        assertNull(service.effectiveConfig().getAsJsonObject().getAsJsonObject("rest").get("token"));
    }
}
