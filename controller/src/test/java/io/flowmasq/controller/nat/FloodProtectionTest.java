package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.LimitsConfig;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.PenaltySpec;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;

/** RFC 6888 per-host quotas, the penalty box and the switch's packet-in budget, driven with a fake clock. */
class FloodProtectionTest {
    private static final byte[] PAYLOAD = "x".getBytes();
    private static final IPv4Address H1_IP = IPv4Address.of("10.0.0.11");
    private static final IPv4Address H2_IP = IPv4Address.of("10.0.0.12");

    private static SwitchConfig config(LimitsConfig limits) {
        return EngineHarness.config(PortRange.DEFAULT, new TimerConfig("rfc", 7440, 240, 300, 60), OptionalInt.empty())
                .withLimits(limits);
    }

    private static EngineHarness harness(OFVersion v, LimitsConfig limits) {
        return new EngineHarness(v, config(limits)).connected();
    }

    private static List<OFMessage> fromH1(EngineHarness h, int port) {
        return h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", port, "198.51.100.7", 53, PAYLOAD));
    }

    private static List<OFMessage> fromH2(EngineHarness h, int port) {
        return h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", port, "198.51.100.7", 53, PAYLOAD));
    }

    private static long flowMods(List<OFMessage> out) {
        return out.stream().filter(m -> m.getType() == OFType.FLOW_MOD).count();
    }

    private static long packetOuts(List<OFMessage> out) {
        return out.stream().filter(m -> m.getType() == OFType.PACKET_OUT).count();
    }

    private static long bindingsOf(EngineHarness h, IPv4Address host) {
        return h.engine.snapshot().stream().filter(b -> b.inside().address().equals(host)).count();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theBindingAfterTheQuotaIsRefusedAndDroppedWhileOtherHostsGoOn(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.OFF.withBindingsPerHost(3));
        for (int port = 1000; port < 1003; port++) {
            assertEquals(2, flowMods(fromH1(h, port)));
        }
        List<OFMessage> refused = fromH1(h, 1003);
        assertEquals(List.of(), refused); // no flows, no packet-out: the packet is dropped (unbuffered)
        assertEquals(1, h.counter("nat.refused.host_quota"));
        assertEquals(3, bindingsOf(h, H1_IP));
        assertEquals(3, h.engine.bindings().countFor(H1_IP));
        // the same inside endpoint again: still its binding (not a new one)
        assertEquals(1, packetOuts(fromH1(h, 1000)));
        assertEquals(2, flowMods(fromH2(h, 1000)));
        for (int port = 2000; port < 2100; port++) {
            fromH1(h, port);
        }
        assertEquals(3, bindingsOf(h, H1_IP), "never above the quota");
        assertEquals(101, h.counter("nat.refused.host_quota"));
        assertEquals(3, h.engine.bindings().size() - 1);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void afterABindingExpiresTheHostMayBindAgain(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.OFF.withBindingsPerHost(2));
        fromH1(h, 1000);
        fromH1(h, 1001);
        assertEquals(List.of(), fromH1(h, 1002));
        long first = h.engine.snapshot().stream().filter(b -> b.inside().port() == 1000).findFirst().orElseThrow()
                .id();
        h.now += 300_000;
        h.routerAnswersArp(); // the next hop's MAC is kept fresh meanwhile
        h.expire(Cookies.binding(first).getValue());
        assertEquals(1, h.engine.bindings().countFor(H1_IP));
        assertEquals(2, flowMods(fromH1(h, 1002)));
        assertEquals(2, h.engine.bindings().countFor(H1_IP));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBurstThenTheRefillRate(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.OFF.withHostRate(10, 20, 0));
        int port = 1000;
        for (int i = 0; i < 20; i++) {
            assertEquals(2, flowMods(fromH1(h, port++)), "burst " + i);
        }
        assertEquals(List.of(), fromH1(h, port++));
        assertEquals(1, h.counter("nat.refused.host_rate"));
        assertEquals(2, flowMods(fromH2(h, 1000)), "another host has its own bucket");
        h.now += 500; // 5 tokens
        for (int i = 0; i < 5; i++) {
            assertEquals(2, flowMods(fromH1(h, port++)), "refill " + i);
        }
        assertEquals(List.of(), fromH1(h, port++));
        assertEquals(2, h.counter("nat.refused.host_rate"));
        assertEquals(25, bindingsOf(h, H1_IP));
        assertEquals(0, h.counter("nat.penalty_box"), "penaltySeconds 0: refused on the controller only");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void overTheRateTheHostGoesInThePenaltyBoxOnceAndAgainAfterItExpires(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.OFF.withHostRate(10, 20, 5));
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        int port = 1000;
        for (int i = 0; i < 20; i++) {
            fromH1(h, port++);
        }
        OFMessage penalty = c.penalise(new PenaltySpec(P1, GW_IN, H1_IP, 5));
        assertEquals(Xids.zeroed(List.of(penalty)), Xids.zeroed(fromH1(h, port++)));
        assertEquals(1, h.counter("nat.penalty_box"));
        // packet-ins already on their way: refused, no second flow
        assertEquals(List.of(), fromH1(h, port++));
        // the switch now drops the host's new flows, forwards its bindings, sends other hosts' new flows up
        assertTrue(h.switchReceives(P1, Frames.udp(H1, GW_IN, "10.0.0.11", port++, "198.51.100.7", 53, PAYLOAD))
                .result().dropped());
        assertEquals(3, h.switchReceives(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 1000, "198.51.100.7", 53, PAYLOAD))
                .result().only().port());
        assertTrue(h.switchReceives(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 1000, "198.51.100.7", 53, PAYLOAD))
                .result().toController());
        assertEquals(2, h.counter("nat.refused.host_rate"));
        // five seconds on, the switch has removed the flow (hard timeout); the host floods again: a new box
        h.now += 5_000;
        h.engine.onTick(h.now);
        h.table.applyAll(c.liftPenalty(new PenaltySpec(P1, GW_IN, H1_IP, 5)));
        for (int i = 0; i < 20; i++) {
            assertEquals(2, flowMods(fromH1(h, port++)), "refilled " + i);
        }
        assertEquals(Xids.zeroed(List.of(penalty)), Xids.zeroed(fromH1(h, port++)));
        assertEquals(2, h.counter("nat.penalty_box"));
    }

    /** Every attempt takes a token: a host hammering at its quota is boxed too. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aHostFloodingAtItsQuotaIsBoxed(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.OFF.withBindingsPerHost(5).withHostRate(10, 20, 5));
        int port = 1000;
        for (int i = 0; i < 20; i++) {
            fromH1(h, port++);
        }
        assertEquals(15, h.counter("nat.refused.host_quota"));
        assertEquals(1, flowMods(fromH1(h, port++)));
        assertEquals(1, h.counter("nat.refused.host_rate"));
        assertEquals(5, bindingsOf(h, H1_IP));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void packetInsOverTheSwitchBudgetAreDroppedBeforeTheEngine(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.OFF.withBudget(10, 6));
        long before = h.counter("nat.packet_in"); // the router's ARP answer took the first of the 6 tokens
        for (int i = 0; i < 5; i++) {
            assertEquals(2, flowMods(fromH2(h, 1000 + i)));
        }
        assertEquals(List.of(), fromH2(h, 1005));
        assertEquals(1, h.counter("openflow.packet_in_dropped.budget"));
        assertEquals(before + 5, h.counter("nat.packet_in"));
        h.now += 100; // one token
        assertEquals(2, flowMods(fromH2(h, 1006)));
        assertEquals(List.of(), fromH2(h, 1007));
        assertEquals(2, h.counter("openflow.packet_in_dropped.budget"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void defaultsNeverBotherANormalHost(OFVersion v) {
        EngineHarness h = harness(v, LimitsConfig.DEFAULT);
        for (int i = 0; i < 400; i++) { // a page that opens 400 connections at once
            assertEquals(2, flowMods(fromH1(h, 1000 + i)));
        }
        for (int s = 1; s <= 10; s++) { // then 200 a second for 10 s
            h.now += 1000;
            for (int i = 0; i < 200; i++) {
                assertEquals(2, flowMods(fromH1(h, 2000 + s * 200 + i)));
            }
        }
        assertEquals(0, h.counter("nat.refused.host_rate") + h.counter("nat.refused.host_quota"));
    }
}
