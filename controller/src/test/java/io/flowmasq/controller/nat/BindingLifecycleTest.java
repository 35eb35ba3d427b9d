package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.BindingListener.FlowCounts;
import io.flowmasq.controller.nat.BindingListener.RemovalReason;
import io.flowmasq.controller.nat.RecordingListener.Created;
import io.flowmasq.controller.nat.RecordingListener.PartnerRemoved;
import io.flowmasq.controller.nat.RecordingListener.Removed;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.sim.SimPacket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.U64;

/** Operator deletes, what the {@link BindingListener} hears, and binding ids shared by engines. */
class BindingLifecycleTest {
    private static final byte[] PAYLOAD = "hello".getBytes();

    private final RecordingListener listener = new RecordingListener();

    private EngineHarness harness(OFVersion v) {
        return harness(v, new BindingIds());
    }

    private EngineHarness harness(OFVersion v, BindingIds ids) {
        return new EngineHarness(v, EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC), ids, listener)
                .connected();
    }

    private static Binding udpFromH1(EngineHarness h, int port) {
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", port, "198.51.100.7", 53, PAYLOAD));
        return h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", port)).orElseThrow();
    }

    /** The match of the binding's inbound (0) or outbound (1) flow, as the engine installs it. */
    private static Match flowMatch(EngineHarness h, Binding b, boolean outbound) {
        List<OFMessage> install = FlowCompiler.forFactory(h.factory).installBinding(b.spec());
        return ((OFFlowMod) install.get(outbound ? 1 : 0)).getMatch();
    }

    private static OFFlowRemoved flowRemoved(EngineHarness h, Binding b, boolean outbound, OFFlowRemovedReason reason,
                                             long packets, long bytes) {
        return h.factory.buildFlowRemoved()
                .setCookie(Cookies.binding(b.id()))
                .setPriority(io.flowmasq.flowcompiler.Priorities.BINDING)
                .setMatch(flowMatch(h, b, outbound))
                .setReason(reason)
                .setIdleTimeout(outbound ? b.spec().idleTimeout() : 0)
                .setPacketCount(U64.of(packets))
                .setByteCount(U64.of(bytes))
                .build();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deletingAnUnknownBindingChangesNothing(OFVersion v) {
        EngineHarness h = harness(v);
        Binding b = udpFromH1(h, 5555);
        listener.take();
        assertEquals(Optional.empty(), h.engine.deleteBinding(b.id() + 1, h.now));
        assertEquals(List.of(b), h.engine.snapshot());
        assertEquals(List.of(), listener.take());
        assertEquals(0, h.counter("nat.binding_deleted_by_operator"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anOperatorDeleteRemovesBothFlowsAndTheBindingAndCoolsThePortDown(OFVersion v) {
        EngineHarness h = harness(v);
        Binding b = udpFromH1(h, 45555);
        assertEquals(45555, b.external().port());
        listener.take();
        h.now += 2_000;

        List<OFMessage> out = h.engine.deleteBinding(b.id(), h.now).orElseThrow();
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(b.spec())), Xids.zeroed(out));
        h.apply(out);
        assertTrue(h.table.entriesWithCookie(Cookies.binding(b.id()).getValue()).isEmpty());
        assertTrue(h.engine.bindings().byId(b.id()).isEmpty());
        assertEquals(0, h.engine.bindings().size());
        assertEquals(List.of(new Removed(b, RemovalReason.DELETED_BY_OPERATOR, null, h.now)), listener.take());
        assertEquals(1, h.counter("nat.binding_deleted_by_operator"));
        assertEquals(Optional.empty(), h.engine.deleteBinding(b.id(), h.now), "a second delete finds nothing");

        // the switch reports both flows gone (reason DELETE): counters for the log, nothing more to do
        h.now += 10;
        OFFlowRemoved inbound = flowRemoved(h, b, false, OFFlowRemovedReason.DELETE, 4, 400);
        OFFlowRemoved outbound = flowRemoved(h, b, true, OFFlowRemovedReason.DELETE, 5, 500);
        assertEquals(List.of(), h.engine.onFlowRemoved(inbound, h.now));
        assertEquals(List.of(), h.engine.onFlowRemoved(outbound, h.now));
        assertEquals(List.of(new PartnerRemoved(b.id(), new FlowCounts(false, 4, 400), h.now),
                new PartnerRemoved(b.id(), new FlowCounts(true, 5, 500), h.now)), listener.take());

        // right after, the same inside endpoint does not get the port back...
        h.now += 500;
        Binding again = udpFromH1(h, 45555);
        assertNotEquals(45555, again.external().port(), "the old port is settling");
        // ...once the switch's datapath has settled it does, long before the reuse delay
        h.apply(h.engine.deleteBinding(again.id(), h.now).orElseThrow());
        h.now += NaptAllocator.SETTLE_MS;
        h.routerAnswersArp();
        assertEquals(45555, udpFromH1(h, 45555).external().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deletingAStaticBindingFreesItsReservedPort(OFVersion v) {
        EngineHarness h = harness(v);
        h.packetIn(P2, Frames.arp(1, MacAddress.BROADCAST, H2, "10.0.0.12", MacAddress.NONE, "10.0.0.1"));
        StaticOutcome.Created c = assertInstanceOf(StaticOutcome.Created.class, h.engine.createStatic(
                new StaticRequest(Protocol.UDP, Endpoint.of("10.0.0.12", 7000), Endpoint.of("203.0.113.1", 5555)),
                h.now));
        listener.take();
        List<OFMessage> out = h.engine.deleteBinding(c.binding().id(), h.now).orElseThrow();
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(c.binding().spec())),
                Xids.zeroed(out));
        assertEquals(List.of(new Removed(c.binding(), RemovalReason.DELETED_BY_OPERATOR, null, h.now)),
                listener.take());
        // another inside endpoint gets the port after the reuse delay, not before
        h.routerAnswersArp();
        Binding early = udpFromH1(h, 5555);
        assertNotEquals(5555, early.external().port(), "cooling: not for h1");
        h.apply(h.engine.deleteBinding(early.id(), h.now).orElseThrow());
        h.now += SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS * 1000L;
        h.routerAnswersArp();
        assertEquals(5555, udpFromH1(h, 5555).external().port(), "the reserved port is back in the pool");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aDynamicBindingIsAnnounced(OFVersion v) {
        EngineHarness h = harness(v);
        Binding b = udpFromH1(h, 5555);
        assertEquals(Binding.Origin.DYNAMIC, b.origin());
        assertEquals(List.of(new Created(b, h.now)), listener.take());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void anIdleOutboundFlowEndsTheBindingWithItsCountersThenThePartnerReports(OFVersion v) {
        EngineHarness h = harness(v);
        Binding b = udpFromH1(h, 5555);
        listener.take();
        h.now += 301_000;

        List<OFMessage> out = h.engine.onFlowRemoved(
                flowRemoved(h, b, true, OFFlowRemovedReason.IDLE_TIMEOUT, 7, 700), h.now);
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(b.spec())), Xids.zeroed(out));
        assertEquals(List.of(new Removed(b, RemovalReason.IDLE_TIMEOUT, new FlowCounts(true, 7, 700), h.now)),
                listener.take());

        h.now += 5;
        assertEquals(List.of(), h.engine.onFlowRemoved(
                flowRemoved(h, b, false, OFFlowRemovedReason.DELETE, 3, 300), h.now));
        assertEquals(List.of(new PartnerRemoved(b.id(), new FlowCounts(false, 3, 300), h.now)), listener.take());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theInboundFlowIsNotOutbound(OFVersion v) {
        EngineHarness h = harness(v);
        Binding b = udpFromH1(h, 5555);
        listener.take();
        h.engine.onFlowRemoved(flowRemoved(h, b, false, OFFlowRemovedReason.IDLE_TIMEOUT, 2, 90), h.now);
        assertEquals(List.of(new Removed(b, RemovalReason.IDLE_TIMEOUT, new FlowCounts(false, 2, 90), h.now)),
                listener.take());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void removalReasonsAreMapped(OFVersion v) {
        EngineHarness h = harness(v);
        Binding hard = udpFromH1(h, 5001);
        Binding deleted = udpFromH1(h, 5002);
        listener.take();
        h.engine.onFlowRemoved(flowRemoved(h, hard, true, OFFlowRemovedReason.HARD_TIMEOUT, 1, 1), h.now);
        h.engine.onFlowRemoved(flowRemoved(h, deleted, true, OFFlowRemovedReason.DELETE, 1, 1), h.now);
        assertEquals(List.of(new Removed(hard, RemovalReason.HARD_TIMEOUT, new FlowCounts(true, 1, 1), h.now),
                new Removed(deleted, RemovalReason.SWITCH_DELETED, new FlowCounts(true, 1, 1), h.now)),
                listener.take());
        assertEquals(0, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aFlowWithoutABindingCookieIsNoneOfTheListenersBusiness(OFVersion v) {
        EngineHarness h = harness(v);
        udpFromH1(h, 5555);
        listener.take();
        OFFlowRemoved pipeline = h.factory.buildFlowRemoved().setCookie(Cookies.PIPELINE)
                .setMatch(h.factory.matchWildcardAll()).setReason(OFFlowRemovedReason.DELETE).build();
        assertEquals(List.of(), h.engine.onFlowRemoved(pipeline, h.now));
        assertEquals(List.of(), listener.take());
        assertEquals(1, h.engine.bindings().size());
    }

    @Test
    void twoEnginesSharingIdsNeverHandOutTheSameId() {
        BindingIds ids = new BindingIds();
        EngineHarness a = harness(OFVersion.OF_13, ids);
        EngineHarness b = harness(OFVersion.OF_10, ids);
        List<Long> handedOut = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            handedOut.add(udpFromH1(a, 6000 + i).id());
            handedOut.add(udpFromH1(b, 6000 + i).id());
        }
        b.packetIn(P2, Frames.arp(1, MacAddress.BROADCAST, H2, "10.0.0.12", MacAddress.NONE, "10.0.0.1"));
        handedOut.add(assertInstanceOf(StaticOutcome.Created.class, b.engine.createStatic(new StaticRequest(
                Protocol.TCP, Endpoint.of("10.0.0.12", 22), Endpoint.of("203.0.113.1", 2222)), b.now)).binding().id());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), handedOut);
        Set<Long> seen = new HashSet<>();
        a.engine.snapshot().forEach(x -> seen.add(x.id()));
        b.engine.snapshot().forEach(x -> assertTrue(seen.add(x.id()), "id " + x.id() + " on both switches"));
        assertEquals(11, seen.size());
        // the simulated switches hold distinct cookies too
        assertTrue(b.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 6000, "198.51.100.7",
                53)).cookie() == Cookies.binding(2).getValue());
    }

    @Test
    void idsFoundInASwitchArePassedOverAndExhaustionIsAnError() {
        BindingIds ids = new BindingIds();
        assertEquals(1, ids.next());
        ids.advancePast(100);
        assertEquals(101, ids.next());
        ids.advancePast(50);
        assertEquals(102, ids.next(), "never backwards");
        // a port forward's id (bit 47, its rule's block) is not the counter's: passing over it changes nothing
        ids.advancePast(io.flowmasq.flowcompiler.rules.RuleCookies.forwardId(7, 3));
        assertEquals(103, ids.next());
        long lastDynamic = (1L << 47) - 1;
        ids.advancePast(lastDynamic - 1);
        assertEquals(lastDynamic, ids.next());
        assertThrows(IllegalStateException.class, ids::next, "the forwards' block is never handed out");
    }
}
