package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.GW_OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.HOST;
import static io.flowmasq.flowcompiler.NatFixture.HOST2;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.NEXT_HOP;
import static io.flowmasq.flowcompiler.NatFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.PIPELINE;
import static io.flowmasq.flowcompiler.NatFixture.TCP;
import static io.flowmasq.flowcompiler.NatFixture.compiler;
import static io.flowmasq.flowcompiler.NatFixture.xid0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U64;

/** TCP state tracking on the switch: FIN/RST to the controller, the handshake report flow, re-timing. */
class TcpStateFlowsTest {
    private static final SimPacket OUT_TCP = SimPacket.ipv4(INSIDE, HOST, GW_INSIDE, IpProtocol.TCP,
            "10.0.0.11", 40000, "198.51.100.7", 80).withTcpFlags(TcpFlags.ACK);
    private static final SimPacket IN_TCP = SimPacket.ipv4(OUTSIDE, NEXT_HOP, GW_OUTSIDE, IpProtocol.TCP,
            "198.51.100.7", 80, "203.0.113.1", 40000).withTcpFlags(TcpFlags.SYN | TcpFlags.ACK);

    /** The OF1.3 pipeline's flow count (ARP, ICMP, FIN/RST, new flow, bridge, miss). */
    private static final int PIPELINE_FLOWS = compiler(OFVersion.OF_13).pipeline(PIPELINE).size();

    private static FlowTableSimulator table(OFVersion v, List<OFMessage> binding) {
        FlowTableSimulator t = new FlowTableSimulator();
        t.applyAll(compiler(v).pipeline(PIPELINE));
        t.applyAll(binding);
        return t;
    }

    @Test
    void goldenTransitoryEstablishedClosing() throws IOException {
        FlowCompiler c = compiler(OFVersion.OF_13);
        // TRANSITORY (a NAPT binding: the SYN-ACK comes in), ESTABLISHED, CLOSING
        List<OFMessage> m = new ArrayList<>(c.installBinding(TCP.withIdleTimeout(240), HandshakeReport.INBOUND));
        m.add(c.reinstallOutbound(TCP));
        m.addAll(c.removeHandshake(TCP, HandshakeReport.INBOUND));
        m.add(c.reinstallOutbound(TCP.withIdleTimeout(240)));
        // a session an outside peer opened (virtual server, FTP data): the inside host's SYN-ACK goes out
        BindingSpec session = TCP.withRemote(new RemoteFilter(IPv4Address.of("198.51.100.7"), 40123))
                .withIdleTimeout(240);
        m.addAll(c.installBinding(session, HandshakeReport.OUTBOUND));
        m.addAll(c.removeHandshake(session, HandshakeReport.OUTBOUND));
        try (InputStream in = getClass().getResourceAsStream("/golden/tcp-state-of13.txt")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), FlowDump.dump(m));
        }
    }

    @Test
    void exactFinFlowFromInsideAndRstFlowFromOutside() {
        OFFactory f = NatFixture.factory(OFVersion.OF_13);
        List<OFMessage> pipeline = xid0(compiler(OFVersion.OF_13).pipeline(PIPELINE));
        OFMessage fin = xid0(f.buildFlowAdd().setTableId(TableId.ZERO).setCookie(Cookies.PIPELINE)
                .setPriority(Priorities.TCP_CONTROL).setIdleTimeout(0).setHardTimeout(0).setFlags(Set.of())
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, INSIDE).setExact(MatchField.ETH_DST, GW_INSIDE)
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP)
                        .setMasked(MatchField.OVS_TCP_FLAGS, U16.of(1), U16.of(1)).build())
                .setInstructions(List.of(f.instructions().applyActions(
                        List.of(f.actions().output(OFPort.CONTROLLER, 0xffff)))))
                .build());
        OFMessage rst = xid0(f.buildFlowAdd().setTableId(TableId.ZERO).setCookie(Cookies.PIPELINE)
                .setPriority(Priorities.TCP_CONTROL).setIdleTimeout(0).setHardTimeout(0).setFlags(Set.of())
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OUTSIDE)
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP)
                        .setExact(MatchField.IPV4_DST, IPv4Address.of("203.0.113.1"))
                        .setMasked(MatchField.OVS_TCP_FLAGS, U16.of(4), U16.of(4)).build())
                .setInstructions(List.of(f.instructions().applyActions(
                        List.of(f.actions().output(OFPort.CONTROLLER, 0xffff)))))
                .build());
        assertTrue(pipeline.contains(fin), "FIN from inside port 1 to the controller");
        assertTrue(pipeline.contains(rst), "RST from outside to the public address to the controller");
        assertTrue(Priorities.TCP_CONTROL > Priorities.BINDING && Priorities.TCP_CONTROL < Priorities.ARP_TO_GATEWAY);
    }

    @Test
    void finAndRstGoToTheControllerAboveTheBindingOtherSegmentsStayOnTheSwitch() {
        FlowTableSimulator t = table(OFVersion.OF_13, compiler(OFVersion.OF_13).installBinding(TCP));
        for (int flags : new int[] {TcpFlags.FIN | TcpFlags.ACK, TcpFlags.RST, TcpFlags.RST | TcpFlags.ACK}) {
            SimResult out = t.process(OUT_TCP.withTcpFlags(flags));
            assertTrue(out.toController() && out.outputs().isEmpty(), "outbound flags " + flags);
            assertEquals(Cookies.PIPELINE.getValue(), out.cookie());
            SimResult in = t.process(IN_TCP.withTcpFlags(flags));
            assertTrue(in.toController() && in.outputs().isEmpty(), "inbound flags " + flags);
        }
        assertEquals(3, t.process(OUT_TCP).only().port());
        assertEquals(3, t.process(OUT_TCP.withTcpFlags(TcpFlags.SYN)).only().port());
        assertEquals(1, t.process(IN_TCP.withTcpFlags(TcpFlags.ACK)).only().port());
        // Not for the NAT: a FIN between inside neighbours is bridged, unsolicited FINs elsewhere dropped.
        SimResult bridged = t.process(SimPacket.ipv4(INSIDE, HOST, HOST2, IpProtocol.TCP, "10.0.0.11", 40000,
                "10.0.0.12", 80).withTcpFlags(TcpFlags.FIN));
        assertEquals(2, bridged.only().port());
        assertFalse(bridged.toController());
        assertTrue(t.process(SimPacket.ipv4(OUTSIDE, NEXT_HOP, GW_OUTSIDE, IpProtocol.TCP, "198.51.100.7", 80,
                "203.0.113.99", 40000).withTcpFlags(TcpFlags.FIN)).dropped());
        // UDP never matches a tcp_flags flow (this one is a new flow: no UDP binding here).
        assertEquals(Priorities.NEW_FLOW, t.lookup(SimPacket.ipv4(INSIDE, HOST, GW_INSIDE, IpProtocol.UDP,
                "10.0.0.11", 40000, "198.51.100.7", 53).withTcpFlags(TcpFlags.FIN)).orElseThrow().priority());
    }

    @Test
    void theHandshakeFlowForwardsAndReportsOnlyTheSynAckTheBindingFlowsNeverReport() {
        FlowCompiler c = compiler(OFVersion.OF_13);
        BindingSpec transitory = TCP.withIdleTimeout(240);
        FlowTableSimulator t = table(OFVersion.OF_13, c.installBinding(transitory, HandshakeReport.INBOUND));
        assertEquals(PIPELINE_FLOWS + 3, t.entries().size());
        SimResult synAck = t.process(IN_TCP);
        assertEquals(1, synAck.only().port(), "the switch forwards the SYN-ACK itself");
        assertEquals("10.0.0.11", synAck.only().packet().ipv4Dst().toString());
        assertTrue(synAck.toController(), "and reports it");
        assertEquals(Cookies.binding(1).getValue(), synAck.cookie());
        assertEquals(Priorities.TCP_HANDSHAKE, t.lookup(IN_TCP).orElseThrow().priority());
        assertEquals(240, t.lookup(IN_TCP).orElseThrow().idleTimeout());
        assertFalse(t.lookup(IN_TCP).orElseThrow().sendFlowRemoved(), "its end is not the binding's");
        for (int flags : new int[] {TcpFlags.ACK, TcpFlags.SYN, 0}) {
            SimResult data = t.process(IN_TCP.withTcpFlags(flags));
            assertEquals(1, data.only().port(), "flags " + flags);
            assertFalse(data.toController(), "flags " + flags + " take the plain inbound flow");
            assertEquals(Priorities.BINDING, t.lookup(IN_TCP.withTcpFlags(flags)).orElseThrow().priority());
        }
        assertFalse(t.process(OUT_TCP.withTcpFlags(TcpFlags.SYN | TcpFlags.ACK)).toController(),
                "the other direction has no handshake flow");
        assertEquals(240, t.lookup(OUT_TCP).orElseThrow().idleTimeout());

        // ESTABLISHED: outbound re-timed, the handshake flow alone deleted
        t.apply(c.reinstallOutbound(TCP));
        t.applyAll(c.removeHandshake(transitory, HandshakeReport.INBOUND));
        assertEquals(PIPELINE_FLOWS + 2, t.entries().size(), "the binding's two flows stay");
        SimResult later = t.process(IN_TCP);
        assertEquals(1, later.only().port());
        assertFalse(later.toController(), "a retransmitted SYN-ACK goes through unreported");
        assertEquals(7440, t.lookup(OUT_TCP).orElseThrow().idleTimeout());

        t.apply(c.reinstallOutbound(TCP.withIdleTimeout(240)));
        assertEquals(240, t.lookup(OUT_TCP).orElseThrow().idleTimeout());
        assertEquals(3, t.process(OUT_TCP).only().port());
        assertEquals(PIPELINE_FLOWS + 2, t.entries().size());
    }

    @Test
    void anOutboundHandshakeFlowReportsTheInsideHostsSynAck() {
        FlowCompiler c = compiler(OFVersion.OF_13);
        BindingSpec session = TCP.withRemote(new RemoteFilter(IPv4Address.of("198.51.100.7"), 80))
                .withIdleTimeout(240);
        FlowTableSimulator t = table(OFVersion.OF_13, c.installBinding(session, HandshakeReport.OUTBOUND));
        SimResult synAck = t.process(OUT_TCP.withTcpFlags(TcpFlags.SYN | TcpFlags.ACK));
        assertEquals(3, synAck.only().port());
        assertEquals("203.0.113.1", synAck.only().packet().ipv4Src().toString());
        assertTrue(synAck.toController());
        assertEquals(Cookies.binding(1).getValue(), synAck.cookie());
        assertFalse(t.process(OUT_TCP).toController(), "an ACK takes the plain outbound flow");
        assertFalse(t.process(IN_TCP).toController(), "the inbound direction has no handshake flow");
        t.applyAll(c.removeHandshake(session, HandshakeReport.INBOUND));
        assertEquals(PIPELINE_FLOWS + 3, t.entries().size(), "deleting the other direction's flow touches nothing");
        t.applyAll(c.removeHandshake(session, HandshakeReport.OUTBOUND));
        assertEquals(PIPELINE_FLOWS + 2, t.entries().size());
        assertFalse(t.process(OUT_TCP.withTcpFlags(TcpFlags.SYN | TcpFlags.ACK)).toController());
    }

    @Test
    void removingTheBindingByCookieTakesItsHandshakeFlowToo() {
        FlowCompiler c = compiler(OFVersion.OF_13);
        FlowTableSimulator t = table(OFVersion.OF_13, c.installBinding(TCP.withIdleTimeout(240), HandshakeReport.INBOUND));
        t.applyAll(c.removeBinding(TCP));
        assertEquals(List.of(), t.entriesWithCookie(Cookies.binding(1).getValue()));
        assertEquals(PIPELINE_FLOWS, t.entries().size());
    }

    @Test
    void aSynAckToAVirtualServersEndpointTakesTheBindingsHandshakeFlowNotTheSynTrap() {
        // the SYN trap matches SYN under its mask, so a SYN-ACK too: the handshake flow sits above it
        FlowCompiler c = compiler(OFVersion.OF_13);
        FlowTableSimulator t = table(OFVersion.OF_13, c.installBinding(TCP.withIdleTimeout(240), HandshakeReport.INBOUND));
        t.applyAll(c.ruleFlows().virtualServerSynTrap(7, Protocol.TCP, OUTSIDE, TCP.external()));
        assertEquals(Priorities.TCP_HANDSHAKE, t.lookup(IN_TCP).orElseThrow().priority());
        assertEquals(Priorities.RULE_SYN_TRAP, t.lookup(IN_TCP.withTcpFlags(TcpFlags.SYN)).orElseThrow().priority());
        assertTrue(Priorities.TCP_HANDSHAKE < Priorities.TO_PUBLIC_ADDRESS && Priorities.TCP_HANDSHAKE < Priorities.HAIRPIN
                && Priorities.TCP_HANDSHAKE < Priorities.TCP_CONTROL);
        assertTrue(t.process(IN_TCP.withTcpFlags(TcpFlags.SYN | TcpFlags.ACK | TcpFlags.RST)).outputs().isEmpty(),
                "a SYN-ACK with RST goes up as a closing segment, not forwarded");
    }

    @Test
    void bindingOfReadsTheBindingCookieOfAPacketIn() {
        OFFactory f = NatFixture.factory(OFVersion.OF_13);
        OFPacketIn.Builder pi = f.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(0)
                .setReason(OFPacketInReason.ACTION).setTableId(TableId.ZERO).setData(new byte[0])
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OUTSIDE).build());
        FlowCompiler c = compiler(OFVersion.OF_13);
        assertEquals(OptionalLong.of(1), c.bindingOf(pi.setCookie(Cookies.binding(1)).build()));
        assertEquals(OptionalLong.empty(), c.bindingOf(pi.setCookie(Cookies.PIPELINE).build()));
        assertEquals(OptionalLong.empty(), c.bindingOf(pi.setCookie(U64.ZERO).build()));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10"})
    void of10CannotTrackTcpState(OFVersion v) {
        FlowCompiler c = compiler(v);
        assertFalse(c.supportsTcpFlags());
        assertTrue(c.pipeline(PIPELINE).stream().map(FlowDump::line).noneMatch(l -> l.contains("tcp_flags")));
        assertThrows(IllegalStateException.class, () -> c.installBinding(TCP, HandshakeReport.INBOUND));
        OFFactory f = NatFixture.factory(v);
        OFPacketIn pi = f.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(0).setInPort(OUTSIDE)
                .setReason(OFPacketInReason.NO_MATCH).setData(new byte[0]).build();
        assertEquals(OptionalLong.empty(), c.bindingOf(pi));
        // The FIN follows the binding flow, as every other segment.
        FlowTableSimulator t = table(v, c.installBinding(TCP));
        assertEquals(3, t.process(OUT_TCP.withTcpFlags(TcpFlags.FIN)).only().port());
        assertEquals(7440, t.lookup(OUT_TCP).orElseThrow().idleTimeout());
        assertTrue(t.entriesWithCookie(Cookies.binding(1).getValue()).stream().allMatch(e -> e.sendFlowRemoved()));
    }

    @Test
    void of13TableSortsTheTcpFlowsBetweenArpAndBindings() {
        FlowTableSimulator t = table(OFVersion.OF_13, compiler(OFVersion.OF_13).installBinding(TCP));
        List<String> lines = List.of(FlowDump.dumpTable(t).split("\n"));
        assertEquals(PIPELINE_FLOWS + 2, lines.size());
        List<String> tcp = lines.stream().filter(l -> l.contains("ovs_tcp_flags=")).toList();
        assertEquals(6, tcp.size(), "FIN and RST from each inside port and to the public address");
        assertTrue(tcp.stream().allMatch(l -> l.contains("priority=30000") && l.endsWith("actions=CONTROLLER:65535")));
        int firstTcp = lines.indexOf(tcp.get(0));
        int lastTcp = lines.indexOf(tcp.get(5));
        assertTrue(lines.subList(0, firstTcp).stream().noneMatch(l -> l.contains("priority=20000")));
        assertTrue(lines.subList(lastTcp, lines.size()).stream().noneMatch(l -> l.contains("priority=40000")));
        assertTrue(lines.subList(lastTcp + 1, lines.size()).stream().anyMatch(l -> l.contains("priority=20000")),
                "the binding flows sort below the FIN/RST flows");
    }
}
