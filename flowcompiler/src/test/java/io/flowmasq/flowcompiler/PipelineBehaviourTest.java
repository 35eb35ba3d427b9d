package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.GW_OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.HOST;
import static io.flowmasq.flowcompiler.NatFixture.HOST2;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE2;
import static io.flowmasq.flowcompiler.NatFixture.NEXT_HOP;
import static io.flowmasq.flowcompiler.NatFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.PIPELINE;
import static io.flowmasq.flowcompiler.NatFixture.TCP;
import static io.flowmasq.flowcompiler.NatFixture.UDP;
import static io.flowmasq.flowcompiler.NatFixture.compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Faucet-style: apply the compiled messages to a fake table and ask what the switch does with packets. */
class PipelineBehaviourTest {
    private static final SimPacket OUT_UDP = SimPacket.ipv4(INSIDE, HOST, GW_INSIDE, IpProtocol.UDP,
            "10.0.0.11", 40000, "198.51.100.7", 53);
    private static final SimPacket REPLY_UDP = SimPacket.ipv4(OUTSIDE, NEXT_HOP, GW_OUTSIDE, IpProtocol.UDP,
            "198.51.100.7", 53, "203.0.113.1", 40000);

    private static FlowTableSimulator table(OFVersion v, BindingSpec... bindings) {
        FlowTableSimulator table = new FlowTableSimulator();
        table.applyAll(compiler(v).pipeline(PIPELINE));
        for (BindingSpec b : bindings) {
            table.applyAll(compiler(v).installBinding(b));
        }
        return table;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void outboundIsTranslatedAndLeavesTheOutsidePort(OFVersion v) {
        SimResult r = table(v, TCP, UDP).process(OUT_UDP);
        assertFalse(r.toController());
        assertEquals(Cookies.binding(2).getValue(), r.cookie());
        SimResult.Output out = r.only();
        assertEquals(3, out.port());
        assertEquals(ipv4(INSIDE, GW_OUTSIDE, NEXT_HOP, "203.0.113.1", 40000, "198.51.100.7", 53, 63), out.packet());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void replyIsTranslatedBackToTheHost(OFVersion v) {
        SimResult r = table(v, TCP, UDP).process(REPLY_UDP);
        SimResult.Output out = r.only();
        assertFalse(r.toController());
        assertEquals(1, out.port());
        assertEquals(ipv4(OUTSIDE, GW_INSIDE, HOST, "198.51.100.7", 53, "10.0.0.11", 40000, 63), out.packet());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void unsolicitedInboundIsDroppedNotPunted(OFVersion v) {
        SimPacket probe = SimPacket.ipv4(OUTSIDE, NEXT_HOP, GW_OUTSIDE, IpProtocol.UDP,
                "198.51.100.7", 53, "203.0.113.1", 40001);
        SimResult r = table(v, TCP, UDP).process(probe);
        assertTrue(r.dropped());
        assertEquals(Cookies.PIPELINE.getValue(), r.cookie(), "dropped by the explicit table-miss flow");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void arpForGatewayAddressesGoesToTheControllerOtherArpIsSwitched(OFVersion v) {
        FlowTableSimulator t = table(v, TCP, UDP);
        assertToControllerOnly(t.process(SimPacket.arp(INSIDE, HOST, "10.0.0.1")));
        assertToControllerOnly(t.process(SimPacket.arp(INSIDE2, HOST2, "10.0.0.1")));
        assertToControllerOnly(t.process(SimPacket.arp(OUTSIDE, NEXT_HOP, "203.0.113.1")));
        SimResult neighbour = t.process(SimPacket.arp(INSIDE, HOST, "10.0.0.12"));
        assertEquals(2, neighbour.only().port());
        assertFalse(neighbour.toController());
        assertTrue(t.process(SimPacket.arp(OUTSIDE, NEXT_HOP, "203.0.113.99")).dropped());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void newOutboundFlowGoesToTheController(OFVersion v) {
        assertToControllerOnly(table(v).process(OUT_UDP));
        SimPacket otherHost = SimPacket.ipv4(INSIDE2, HOST2, GW_INSIDE, IpProtocol.TCP, "10.0.0.12", 5000,
                "198.51.100.7", 443);
        assertToControllerOnly(table(v, TCP, UDP).process(otherHost));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void insideHostToHostIsBridgedEvenFromABoundSourcePort(OFVersion v) {
        SimPacket local = SimPacket.ipv4(INSIDE, HOST, HOST2, IpProtocol.UDP, "10.0.0.11", 40000, "10.0.0.12", 53);
        SimResult r = table(v, TCP, UDP).process(local);
        assertFalse(r.toController());
        assertEquals(new SimResult.Output(2, local), r.only(), "bridged untouched, not translated");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void tcpBindingDoesNotMatchUdp(OFVersion v) {
        FlowTableSimulator t = table(v, TCP);
        assertToControllerOnly(t.process(OUT_UDP));
        assertTrue(t.process(REPLY_UDP).dropped());
        SimPacket outTcp = SimPacket.ipv4(INSIDE, HOST, GW_INSIDE, IpProtocol.TCP, "10.0.0.11", 40000,
                "198.51.100.7", 443);
        assertEquals(Cookies.binding(1).getValue(), t.process(outTcp).cookie());
        assertEquals(3, t.process(outTcp).only().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void removedBindingDropsRepliesAndPuntsOutboundAgain(OFVersion v) {
        FlowTableSimulator t = table(v, TCP, UDP);
        t.applyAll(compiler(v).removeBinding(UDP));
        assertTrue(t.process(REPLY_UDP).dropped());
        assertToControllerOnly(t.process(OUT_UDP));
        assertTrue(t.entriesWithCookie(Cookies.binding(2).getValue()).isEmpty());
        assertEquals(2, t.entriesWithCookie(Cookies.binding(1).getValue()).size(), "the TCP binding stays");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void ttlOneIsNotForwarded(OFVersion v) {
        SimPacket dying = ipv4(INSIDE, HOST, GW_INSIDE, "10.0.0.11", 40000, "198.51.100.7", 53, 1);
        SimResult r = table(v, UDP).process(dying);
        assertEquals(Cookies.binding(2).getValue(), r.cookie());
        assertTrue(r.outputs().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void applyingTwiceGivesTheSameTable(OFVersion v) {
        FlowTableSimulator once = table(v, TCP, UDP);
        FlowTableSimulator twice = table(v, TCP, UDP, TCP, UDP);
        twice.applyAll(compiler(v).pipeline(PIPELINE));
        assertEquals(17 + (compiler(v).supportsTcpFlags() ? 6 : 0), once.entries().size(),
                "6 FIN/RST flows on OF1.3");
        assertEquals(FlowDump.dumpTable(once), FlowDump.dumpTable(twice));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void bindingMessagesInReverseOrderGiveTheSameTable(OFVersion v) {
        List<OFMessage> messages = new ArrayList<>(compiler(v).installBinding(TCP));
        messages.addAll(compiler(v).installBinding(UDP));
        Collections.reverse(messages);
        FlowTableSimulator reversed = table(v);
        reversed.applyAll(messages);
        assertEquals(FlowDump.dumpTable(table(v, TCP, UDP)), FlowDump.dumpTable(reversed));
    }

    private static void assertToControllerOnly(SimResult r) {
        assertTrue(r.toController(), "to controller");
        assertTrue(r.outputs().isEmpty(), "no other output: " + r.outputs());
    }

    private static SimPacket ipv4(OFPort inPort, MacAddress ethSrc, MacAddress ethDst, String src, int srcPort,
                                  String dst, int dstPort, int ttl) {
        return new SimPacket(inPort, ethSrc, ethDst, EthType.IPv4, IpProtocol.UDP, IPv4Address.of(src),
                IPv4Address.of(dst), srcPort, dstPort, null, ttl);
    }
}
