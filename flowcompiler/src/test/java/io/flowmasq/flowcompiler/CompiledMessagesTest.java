package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.GW_OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.HOST;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.NEXT_HOP;
import static io.flowmasq.flowcompiler.NatFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.TCP;
import static io.flowmasq.flowcompiler.NatFixture.UDP;
import static io.flowmasq.flowcompiler.NatFixture.compiler;
import static io.flowmasq.flowcompiler.NatFixture.xid0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/** The compiled messages equal hand-built Loxi messages (xids aside), field for field. */
class CompiledMessagesTest {
    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);
    private static final OFFactory OF10 = OFFactories.getFactory(OFVersion.OF_10);
    private static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.1");
    private static final IPv4Address HOST_IP = IPv4Address.of("10.0.0.11");
    private static final TransportPort PORT = TransportPort.of(40000);
    private static final U64 COOKIE_2 = U64.of(0xf101000000000002L);

    private static Match inboundUdp(OFFactory f) {
        return f.buildMatch().setExact(MatchField.IN_PORT, OUTSIDE).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, IpProtocol.UDP).setExact(MatchField.IPV4_DST, PUBLIC)
                .setExact(MatchField.UDP_DST, PORT).build();
    }

    private static Match outboundUdp(OFFactory f) {
        return f.buildMatch().setExact(MatchField.IN_PORT, INSIDE).setExact(MatchField.ETH_DST, GW_INSIDE)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.UDP)
                .setExact(MatchField.IPV4_SRC, HOST_IP).setExact(MatchField.UDP_SRC, PORT).build();
    }

    @Test
    void of13BindingFlows() {
        OFActions a = OF13.actions();
        OFOxms x = OF13.oxms();
        OFMessage inbound = OF13.buildFlowAdd().setTableId(TableId.ZERO).setCookie(COOKIE_2).setPriority(20000)
                .setIdleTimeout(0).setHardTimeout(0).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(inboundUdp(OF13))
                .setInstructions(List.of(OF13.instructions().applyActions(List.of(
                        a.decNwTtl(), a.setField(x.ipv4Dst(HOST_IP)), a.setField(x.udpDst(PORT)),
                        a.setField(x.ethSrc(GW_INSIDE)), a.setField(x.ethDst(HOST)), a.output(INSIDE, 0)))))
                .build();
        OFMessage outbound = OF13.buildFlowAdd().setTableId(TableId.ZERO).setCookie(COOKIE_2).setPriority(20000)
                .setIdleTimeout(300).setHardTimeout(0).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(outboundUdp(OF13))
                .setInstructions(List.of(OF13.instructions().applyActions(List.of(
                        a.decNwTtl(), a.setField(x.ipv4Src(PUBLIC)), a.setField(x.udpSrc(PORT)),
                        a.setField(x.ethSrc(GW_OUTSIDE)), a.setField(x.ethDst(NEXT_HOP)), a.output(OUTSIDE, 0)))))
                .build();
        assertEquals(xid0(List.of(inbound, outbound)), xid0(compiler(OFVersion.OF_13).installBinding(UDP)));
    }

    @Test
    void of10BindingFlows() {
        OFActions a = OF10.actions();
        OFMessage inbound = OF10.buildFlowAdd().setCookie(COOKIE_2).setPriority(20000).setIdleTimeout(0)
                .setHardTimeout(0).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).setMatch(inboundUdp(OF10))
                .setActions(List.of(a.niciraDecTtl(), a.setNwDst(HOST_IP), a.setTpDst(PORT), a.setDlSrc(GW_INSIDE),
                        a.setDlDst(HOST), a.output(INSIDE, 0)))
                .build();
        OFMessage outbound = OF10.buildFlowAdd().setCookie(COOKIE_2).setPriority(20000).setIdleTimeout(300)
                .setHardTimeout(0).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).setMatch(outboundUdp(OF10))
                .setActions(List.of(a.niciraDecTtl(), a.setNwSrc(PUBLIC), a.setTpSrc(PORT), a.setDlSrc(GW_OUTSIDE),
                        a.setDlDst(NEXT_HOP), a.output(OUTSIDE, 0)))
                .build();
        assertEquals(xid0(List.of(inbound, outbound)), xid0(compiler(OFVersion.OF_10).installBinding(UDP)));
    }

    @Test
    void of13RemoveIsOneCookieMaskedDelete() {
        OFMessage delete = OF13.buildFlowDelete().setTableId(TableId.ALL).setCookie(U64.of(0xf101000000000001L))
                .setCookieMask(U64.NO_MASK).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(OF13.matchWildcardAll()).build();
        assertEquals(xid0(List.of(delete)), xid0(compiler(OFVersion.OF_13).removeBinding(TCP)));
    }

    @Test
    void of10RemoveIsAStrictDeletePerFlow() {
        List<OFMessage> deletes = List.of(
                OF10.buildFlowDeleteStrict().setPriority(20000).setOutPort(OFPort.ANY).setMatch(inboundUdp(OF10))
                        .build(),
                OF10.buildFlowDeleteStrict().setPriority(20000).setOutPort(OFPort.ANY).setMatch(outboundUdp(OF10))
                        .build());
        assertEquals(xid0(deletes), xid0(compiler(OFVersion.OF_10).removeBinding(UDP)));
    }

    @Test
    void unbufferedPacketOutCarriesTheFrame() {
        byte[] frame = {1, 2, 3, 4};
        OFActions a = OF13.actions();
        OFOxms x = OF13.oxms();
        OFMessage expected = OF13.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(OUTSIDE)
                .setActions(List.of(a.decNwTtl(), a.setField(x.ipv4Dst(HOST_IP)), a.setField(x.udpDst(PORT)),
                        a.setField(x.ethSrc(GW_INSIDE)), a.setField(x.ethDst(HOST)), a.output(INSIDE, 0)))
                .setData(frame).build();
        FlowCompiler c = compiler(OFVersion.OF_13);
        assertEquals(xid0(expected), xid0(c.forwardInbound(UDP, PacketRef.unbuffered(OUTSIDE, frame))));
        assertNull(c.releaseBuffer(PacketRef.unbuffered(OUTSIDE, frame)), "nothing to release");
    }

    @Test
    void bufferedPacketOutRefersToTheBufferWithoutData() {
        PacketRef buffered = new PacketRef(INSIDE, OFBufferId.of(7), new byte[] {1, 2, 3, 4});
        OFActions a = OF10.actions();
        OFMessage expected = OF10.buildPacketOut().setBufferId(OFBufferId.of(7)).setInPort(INSIDE)
                .setActions(List.of(a.niciraDecTtl(), a.setNwSrc(PUBLIC), a.setTpSrc(PORT), a.setDlSrc(GW_OUTSIDE),
                        a.setDlDst(NEXT_HOP), a.output(OUTSIDE, 0)))
                .build();
        FlowCompiler c = compiler(OFVersion.OF_10);
        assertEquals(xid0(expected), xid0(c.forwardOutbound(UDP, buffered)));
        assertEquals(0, c.forwardOutbound(UDP, buffered).getData().length);
        OFMessage release = OF10.buildPacketOut().setBufferId(OFBufferId.of(7)).setInPort(INSIDE)
                .setActions(List.of()).build();
        assertEquals(xid0(release), xid0(c.releaseBuffer(buffered)));
    }
}
