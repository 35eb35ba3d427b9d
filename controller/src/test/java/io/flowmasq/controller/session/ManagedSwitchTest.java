package io.flowmasq.controller.session;

import static io.flowmasq.controller.session.SessionFixtures.GW_IN;
import static io.flowmasq.controller.session.SessionFixtures.GW_OUT;
import static io.flowmasq.controller.session.SessionFixtures.H1;
import static io.flowmasq.controller.session.SessionFixtures.OUT;
import static io.flowmasq.controller.session.SessionFixtures.P1;
import static io.flowmasq.controller.session.SessionFixtures.P2;
import static io.flowmasq.controller.session.SessionFixtures.ROUTER;
import static io.flowmasq.controller.session.SessionFixtures.hostArp;
import static io.flowmasq.controller.session.SessionFixtures.packetIn;
import static io.flowmasq.controller.session.SessionFixtures.routerArpReply;
import static io.flowmasq.controller.session.SessionFixtures.udpFromH1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.BindingListener;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.nat.StaticRequest;
import io.flowmasq.controller.nat.Xids;
import io.flowmasq.controller.packet.ArpFrames;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.rest.NatServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

class ManagedSwitchTest {
    private static final SwitchConfig CONFIG = SessionFixtures.switchConfig(1, "s1");

    private final FakeClock clock = new FakeClock(1_000_000);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final BindingIds ids = new BindingIds();
    private final Map<String, Long> counters = new TreeMap<>();
    private final List<NatEngine> enginesMade = new ArrayList<>();
    private final ManagedSwitch sw = new ManagedSwitch(CONFIG, (config, compiler) -> {
        NatEngine e = new NatEngine(config, compiler, n -> counters.merge(n, 1L, Long::sum), ids,
                BindingListener.NONE);
        enginesMade.add(e);
        return e;
    }, 10_000, SwitchMetrics.NONE);
    private FakeSwitchConnection conn;
    private FlowCompiler compiler;

    /** Connects the switch the way NatSwitchHandler does, with the router's ARP answered. */
    private void connect(OFVersion v) {
        conn = new FakeSwitchConnection(CONFIG.dpid(), v);
        compiler = FlowCompiler.forFactory(conn.factory());
        sw.attach(conn, compiler, clock.now);
        sw.handle(e -> e.onConnect(clock.now));
        packetIn(OUT, routerArpReply());
        conn.take();
    }

    private List<OFMessage> packetIn(OFPort port, byte[] frame) {
        sw.handle(e -> e.onPacketIn(SessionFixtures.packetIn(conn.factory(), port, frame), clock.now));
        return conn.take();
    }

    private Binding dynamicBinding(int port) {
        packetIn(P1, udpFromH1(port));
        return sw.snapshot().stream().filter(b -> b.inside().port() == port).findFirst().orElseThrow();
    }

    private static NatServiceException failure(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally(), "failed: " + f);
        Throwable cause = assertThrows(ExecutionException.class, f::get).getCause();
        return assertInstanceOf(NatServiceException.class, cause);
    }

    /** The messages without their last, which must be a barrier; and that barrier. */
    private static OFBarrierRequest lastBarrier(List<OFMessage> sent) {
        return assertInstanceOf(OFBarrierRequest.class, sent.get(sent.size() - 1));
    }

    private static List<OFMessage> withBarrier(List<OFMessage> messages, FlowCompiler c) {
        List<OFMessage> out = new ArrayList<>(messages);
        out.add(c.barrier());
        return out;
    }

    private static StaticRequest staticRequest(int insidePort, int publicPort) {
        return new StaticRequest(Protocol.TCP, Endpoint.of("10.0.0.11", insidePort),
                Endpoint.of("203.0.113.1", publicPort));
    }

    private List<OFMessage> arpForH1() {
        byte[] ask = ArpFrames.request(GW_IN, IPv4Address.of("10.0.0.1"), IPv4Address.of("10.0.0.11"));
        return List.of(compiler.sendFrame(P1, ask), compiler.sendFrame(P2, ask));
    }

    // ---- delete

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deleteSendsTheFlowDeletesAndABarrierAndCompletesOnItsReply(OFVersion v) {
        connect(v);
        Binding b = dynamicBinding(5555);
        CompletableFuture<Boolean> f = sw.delete(b.id(), clock.now);

        List<OFMessage> sent = conn.take();
        assertEquals(Xids.zeroed(withBarrier(compiler.removeBinding(b.spec()), compiler)), Xids.zeroed(sent));
        assertFalse(sw.hasBinding(b.id()), "released at once");
        assertFalse(f.isDone(), "not before the switch confirms");
        long xid = lastBarrier(sent).getXid();
        sw.onBarrierReply(xid + 1, clock.now);
        assertFalse(f.isDone(), "another barrier's reply");
        sw.onBarrierReply(xid, clock.now);
        assertEquals(true, f.getNow(null));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deleteOfAnUnknownIdIsFalseAtOnce(OFVersion v) {
        connect(v);
        dynamicBinding(5555);
        CompletableFuture<Boolean> f = sw.delete(999, clock.now);
        assertEquals(false, f.getNow(null));
        assertEquals(List.of(), conn.take());
        assertEquals(1, sw.bindingCount());
    }

    @Test
    void deleteBeforeAnyConnectionIsFalse() {
        assertEquals(false, sw.delete(1, clock.now).getNow(null));
        assertEquals(List.of(), sw.snapshot());
        assertEquals(0, sw.bindingCount());
        assertEquals(null, sw.version());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deleteWhileDetachedIsUnavailableAndKeepsTheBinding(OFVersion v) {
        connect(v);
        Binding b = dynamicBinding(5555);
        sw.detach(conn);
        assertFalse(sw.connected());
        NatServiceException e = failure(sw.delete(b.id(), clock.now));
        assertEquals(NatServiceException.Kind.UNAVAILABLE, e.kind());
        assertTrue(sw.hasBinding(b.id()));
        assertEquals(List.of(), conn.take());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void detachFailsTheWaitsAndAStaleDetachDoesNot(OFVersion v) {
        connect(v);
        Binding a = dynamicBinding(5555);
        Binding b = dynamicBinding(5556);
        FakeSwitchConnection first = conn;
        CompletableFuture<Boolean> fa = sw.delete(a.id(), clock.now);

        // the switch reconnects before the old channel's close is noticed
        connect(v);
        CompletableFuture<Boolean> fb = sw.delete(b.id(), clock.now);
        sw.detach(first);
        assertTrue(sw.connected(), "the old connection's close does not detach the new one");
        assertFalse(fa.isDone() || fb.isDone());

        sw.detach(conn);
        assertEquals(NatServiceException.Kind.UNAVAILABLE, failure(fa).kind());
        assertEquals(NatServiceException.Kind.UNAVAILABLE, failure(fb).kind());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBarrierNeverAnsweredTimesOut(OFVersion v) {
        connect(v);
        Binding b = dynamicBinding(5555);
        CompletableFuture<Boolean> f = sw.delete(b.id(), clock.now);
        sw.onTick(clock.now + ManagedSwitch.BARRIER_TIMEOUT_MS - 1);
        assertFalse(f.isDone());
        sw.onTick(clock.now + ManagedSwitch.BARRIER_TIMEOUT_MS);
        assertEquals(NatServiceException.Kind.UNAVAILABLE, failure(f).kind());
    }

    // ---- static bindings

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createStaticRetriesUntilTheHostIsLearnedThenWaitsForTheBarrier(OFVersion v) {
        connect(v);
        long start = clock.now;
        CompletableFuture<Binding> f = sw.createStatic(staticRequest(8080, 8080), clock, scheduler);
        assertEquals(Xids.zeroed(arpForH1()), Xids.zeroed(conn.take()));
        assertEquals(1, scheduler.pending());
        assertEquals(ManagedSwitch.RESOLVE_RETRY_MS, scheduler.nextDelay());

        scheduler.runNext();
        assertEquals(Xids.zeroed(arpForH1()), Xids.zeroed(conn.take()), "asked again");
        assertFalse(f.isDone());

        clock.now += 50;
        assertEquals(1, packetIn(P1, hostArp(H1, "10.0.0.11")).size(), "the gateway answers h1's ARP");
        scheduler.runNext();
        assertEquals(start + 2 * ManagedSwitch.RESOLVE_RETRY_MS, clock.now);
        assertEquals(0, scheduler.pending(), "no more retries");
        List<OFMessage> sent = conn.take();
        BindingSpec spec = new BindingSpec(1, Protocol.TCP, Endpoint.of("10.0.0.11", 8080),
                Endpoint.of("203.0.113.1", 8080), new L2Hop(P1, GW_IN, H1), new L2Hop(OUT, GW_OUT, ROUTER), 0, null);
        Binding made = sw.snapshot().get(0);
        assertEquals(spec, made.spec());
        assertEquals(Xids.zeroed(withBarrier(compiler.installBinding(spec), compiler)), Xids.zeroed(sent));
        assertTrue(made.isStatic());
        assertFalse(f.isDone(), "not before the switch confirms the flows");

        sw.onBarrierReply(lastBarrier(sent).getXid(), clock.now);
        assertEquals(made, f.getNow(null));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createStaticGivesUpAfterTheResolveTimeout(OFVersion v) {
        connect(v);
        long start = clock.now;
        CompletableFuture<Binding> f = sw.createStatic(staticRequest(8080, 8080), clock, scheduler);
        int rounds = 1;
        while (!f.isDone()) {
            assertTrue(scheduler.runNext(), "a retry is scheduled while the future is pending");
            rounds++;
        }
        assertEquals(start + ManagedSwitch.RESOLVE_TIMEOUT_MS, clock.now);
        assertEquals(ManagedSwitch.RESOLVE_TIMEOUT_MS / ManagedSwitch.RESOLVE_RETRY_MS + 1, rounds);
        NatServiceException e = failure(f);
        assertEquals(NatServiceException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("10.0.0.11"), e.getMessage());
        assertEquals(0, scheduler.pending());
        assertEquals(0, sw.bindingCount());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createStaticRefusalsCarryTheirKindFieldAndBinding(OFVersion v) {
        connect(v);
        Binding dynamic = dynamicBinding(5555);
        NatServiceException conflict = failure(sw.createStatic(new StaticRequest(Protocol.UDP,
                Endpoint.of("10.0.0.11", 5555), Endpoint.of("203.0.113.1", 6000)), clock, scheduler));
        assertEquals(NatServiceException.Kind.CONFLICT, conflict.kind());
        assertEquals("inside", conflict.field());
        assertEquals(dynamic.id(), conflict.conflictingBinding());

        NatServiceException invalid = failure(sw.createStatic(new StaticRequest(Protocol.UDP,
                Endpoint.of("10.0.0.11", 7000), Endpoint.of("198.51.100.1", 7000)), clock, scheduler));
        assertEquals(NatServiceException.Kind.INVALID, invalid.kind());
        assertEquals("public", invalid.field());
        assertEquals(null, invalid.conflictingBinding());
        assertEquals(0, scheduler.pending());
        assertEquals(List.of(), conn.take());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createStaticFailsNamingAFullTableWhenTheSwitchRefusesItsFlows(OFVersion v) {
        connect(v);
        packetIn(P1, hostArp(H1, "10.0.0.11"));
        CompletableFuture<Binding> f = sw.createStatic(staticRequest(8080, 8080), clock, scheduler);
        List<OFMessage> sent = conn.take();
        OFBarrierRequest barrier = lastBarrier(sent);
        OFMessage inbound = sent.get(0);
        assertEquals(1, sw.bindingCount());

        sw.onError(tableFull(conn.factory(), inbound), clock.now);
        NatServiceException e = failure(f);
        assertEquals(NatServiceException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("flow table full"), e.getMessage());
        assertEquals(0, sw.bindingCount(), "the binding is given up");
        List<OFMessage> cleanup = conn.take();
        assertTrue(cleanup.stream().allMatch(m -> m.getType() == org.projectfloodlight.openflow.protocol.OFType.FLOW_MOD),
                "its flows deleted: " + cleanup);
        assertFalse(cleanup.isEmpty());

        sw.onError(tableFull(conn.factory(), sent.get(1)), clock.now); // the other flow's error: nothing more
        sw.onBarrierReply(barrier.getXid(), clock.now); // the barrier's reply comes last and finds nobody waiting
        assertEquals(List.of(), conn.take());
        assertEquals(1L, counters.get("nat.binding_refused.table_full"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anErrorOutsideAConfirmedBatchFailsNoWait(OFVersion v) {
        connect(v);
        Binding b = dynamicBinding(5555);
        CompletableFuture<Boolean> deleted = sw.delete(b.id(), clock.now);
        List<OFMessage> sent = conn.take();
        OFMessage unrelated = compiler.barrier();
        sw.onError(tableFull(conn.factory(), unrelated), clock.now);
        assertFalse(deleted.isDone());
        sw.onBarrierReply(lastBarrier(sent).getXid(), clock.now);
        assertEquals(Boolean.TRUE, deleted.getNow(null));
    }

    private static org.projectfloodlight.openflow.protocol.OFErrorMsg tableFull(
            org.projectfloodlight.openflow.protocol.OFFactory f, OFMessage failed) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        failed.writeTo(buf);
        byte[] quoted = new byte[Math.min(64, buf.readableBytes())];
        buf.readBytes(quoted);
        return f.errorMsgs().buildFlowModFailedErrorMsg().setXid(failed.getXid())
                .setCode(f.getVersion() == OFVersion.OF_10
                        ? org.projectfloodlight.openflow.protocol.OFFlowModFailedCode.ALL_TABLES_FULL
                        : org.projectfloodlight.openflow.protocol.OFFlowModFailedCode.TABLE_FULL)
                .setData(org.projectfloodlight.openflow.types.OFErrorCauseData.of(quoted, f.getVersion())).build();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void createStaticOnADetachedSwitchIsUnavailable(OFVersion v) {
        assertEquals(NatServiceException.Kind.UNAVAILABLE,
                failure(sw.createStatic(staticRequest(22, 2222), clock, scheduler)).kind(), "never connected");
        connect(v);
        CompletableFuture<Binding> f = sw.createStatic(staticRequest(22, 2222), clock, scheduler);
        sw.detach(conn);
        scheduler.runNext();
        assertEquals(NatServiceException.Kind.UNAVAILABLE, failure(f).kind(), "disconnected while resolving");
        assertEquals(0, scheduler.pending());
    }

    // ---- reconnects

    @Test
    void aReconnectWithTheSameVersionKeepsTheBindings() {
        connect(OFVersion.OF_13);
        Binding b = dynamicBinding(5555);
        sw.detach(conn);
        connect(OFVersion.OF_13);
        assertEquals(1, enginesMade.size());
        assertEquals(List.of(b), sw.snapshot());
        assertTrue(sw.connected());
    }

    @Test
    void aReconnectWithAnotherVersionStartsANewEngine() {
        connect(OFVersion.OF_13);
        Binding b = dynamicBinding(5555);
        sw.detach(conn);
        connect(OFVersion.OF_10);
        assertEquals(2, enginesMade.size());
        assertEquals(List.of(), sw.snapshot());
        assertEquals(OFVersion.OF_10, sw.version());
        assertFalse(sw.tracksTcpFlags());
        Binding next = dynamicBinding(5555);
        assertTrue(next.id() > b.id(), "ids are still shared: no reuse");
    }

    // ---- statistics

    @Test
    void flowStatisticsArePolledAndKept() {
        connect(OFVersion.OF_13);
        Binding b = dynamicBinding(5555);
        assertEquals(TrafficTable.EMPTY, sw.traffic());
        sw.onTick(clock.now + 999);
        assertEquals(List.of(), conn.take());
        sw.onTick(clock.now + 1_000);
        List<OFMessage> sent = conn.take();
        assertEquals(Xids.zeroed(List.of(compiler.flowStatsRequest())), Xids.zeroed(sent));
        OFFlowStatsRequest request = (OFFlowStatsRequest) sent.get(0);
        var f = conn.factory();
        sw.onFlowStats(f.buildFlowStatsReply().setXid(request.getXid()).setEntries(List.of(
                f.buildFlowStatsEntry().setCookie(io.flowmasq.flowcompiler.Cookies.binding(b.id()))
                        .setMatch(f.buildMatch().setExact(
                                org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT, P1).build())
                        .setPacketCount(org.projectfloodlight.openflow.types.U64.of(3))
                        .setByteCount(org.projectfloodlight.openflow.types.U64.of(300)).build())).build(),
                clock.now + 1_010);
        assertEquals(1, sw.traffic().flowCount());
        assertEquals(new TrafficTable.Traffic(3, 300, 0, 0, clock.now + 1_000), sw.traffic().of(b.id()).orElseThrow());

        connect(OFVersion.OF_13);
        assertEquals(TrafficTable.EMPTY, sw.traffic(), "a new connection starts without figures");
        assertEquals(DatapathId.of(1), sw.config().dpid());
    }
}
