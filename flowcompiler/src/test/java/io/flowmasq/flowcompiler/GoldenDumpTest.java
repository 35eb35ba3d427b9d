package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE2;
import static io.flowmasq.flowcompiler.NatFixture.PIPELINE;
import static io.flowmasq.flowcompiler.NatFixture.TCP;
import static io.flowmasq.flowcompiler.NatFixture.UDP;
import static io.flowmasq.flowcompiler.NatFixture.compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpDscp;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.TransportPort;

/**
 * OVN-northd-style golden dumps: the flow table a reviewer reads. After an intended change, regenerate with
 * {@link FlowDump#dump} and read the diff line by line before committing it.
 */
class GoldenDumpTest {
    private static final BindingSpec APDF_SESSION = TCP.withRemote(
            new RemoteFilter(IPv4Address.of("198.51.100.7"), 80));
    private static final BindingSpec ADF_SESSION = UDP.withRemote(RemoteFilter.address(IPv4Address.of("198.51.100.7")));

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void pipeline(OFVersion v) throws IOException {
        assertEquals(golden("pipeline", v), FlowDump.dump(compiler(v).pipeline(PIPELINE)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void binding(OFVersion v) throws IOException {
        assertEquals(golden("binding", v), FlowDump.dump(both(v, true)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void remove(OFVersion v) throws IOException {
        assertEquals(golden("remove", v), FlowDump.dump(both(v, false)));
    }

    /**
     * Dependent filtering: the TCP binding as one address-and-port-dependent session (remote
     * 198.51.100.7:80), the UDP binding as one address-dependent session (remote 198.51.100.7, any port),
     * installed then removed.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void sessions(OFVersion v) throws IOException {
        FlowCompiler c = compiler(v);
        List<OFMessage> out = new ArrayList<>(c.installBinding(APDF_SESSION));
        out.addAll(c.installBinding(ADF_SESSION));
        out.addAll(c.removeBinding(APDF_SESSION));
        out.addAll(c.removeBinding(ADF_SESSION));
        assertEquals(golden("sessions", v), FlowDump.dump(out));
    }

    @Test
    void of10AndOf13AddsDumpIdentically() {
        // OF1.3 adds only the TCP FIN/RST flows (tcp_flags cannot be matched in OF1.0).
        assertEquals(withoutTcpFlags(FlowDump.dump(compiler(OFVersion.OF_13).pipeline(PIPELINE))),
                FlowDump.dump(compiler(OFVersion.OF_10).pipeline(PIPELINE)));
        assertEquals(FlowDump.dump(both(OFVersion.OF_13, true)), FlowDump.dump(both(OFVersion.OF_10, true)));
        assertEquals(withoutTcpFlags(FlowDump.dumpTable(table(OFVersion.OF_13))),
                FlowDump.dumpTable(table(OFVersion.OF_10)));
    }

    @Test
    void dumpTableIsSortedByPriorityThenText() {
        List<String> lines = List.of(FlowDump.dumpTable(table(OFVersion.OF_10)).split("\n"));
        assertEquals(17, lines.size());
        assertEquals("cookie=0xf100000000000000 priority=40000 idle=0 in_port=1,eth_type=0x806,arp_tpa=10.0.0.1"
                + " actions=CONTROLLER:65535", lines.get(0));
        assertEquals("cookie=0xf100000000000000 priority=0 idle=0 actions=drop", lines.get(lines.size() - 1));
        assertEquals("cookie=0xf100000000000000 priority=30000 idle=0 in_port=3,eth_type=0x800,ip_proto=1,"
                + "ipv4_dst=203.0.113.1 actions=CONTROLLER:65535", lines.get(3));
        assertEquals("cookie=0xf101000000000001 priority=20000 idle=0 send_flow_rem in_port=3,eth_type=0x800,"
                + "ip_proto=6,ipv4_dst=203.0.113.1,tcp_dst=40000 actions=dec_ttl,set_ipv4_dst:10.0.0.11,set_l4_dst:40000,"
                + "set_eth_src:02:f1:00:00:00:01,set_eth_dst:00:00:00:00:00:11,output:1", lines.get(8));
    }

    @Test
    void packetOuts() {
        FlowCompiler c = compiler(OFVersion.OF_10);
        PacketRef buffered = new PacketRef(INSIDE, OFBufferId.of(7), new byte[60]);
        assertEquals("packet_out in_port=1 buffer=7 actions=drop data_len=0", FlowDump.line(c.releaseBuffer(buffered)));
        assertEquals("packet_out in_port=CONTROLLER buffer=none actions=output:2 data_len=42",
                FlowDump.line(compiler(OFVersion.OF_13).sendFrame(INSIDE2, new byte[42])));
        assertEquals("packet_out in_port=3 buffer=none actions=dec_ttl,set_ipv4_dst:10.0.0.11,set_l4_dst:40000,"
                + "set_eth_src:02:f1:00:00:00:01,set_eth_dst:00:00:00:00:00:11,output:1 data_len=60",
                FlowDump.line(c.forwardInbound(UDP, PacketRef.unbuffered(NatFixture.OUTSIDE, new byte[60]))));
        assertEquals("barrier_request", FlowDump.line(c.barrier()));
    }

    /** tcp_dst without ip_proto is printed as sent, although Loxi's getMatchFields() hides it. */
    @Test
    void maskedMatchesMissingPrerequisitesAndOtherSetFields() {
        OFFactory f = NatFixture.factory(OFVersion.OF_13);
        assertEquals("eth_type=0x800,ipv4_src=10.0.0.0/255.255.255.0,tcp_dst=80", FlowDump.match(f.buildMatch()
                .setExact(MatchField.TCP_DST, TransportPort.of(80))
                .setMasked(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.0"), IPv4Address.of("255.255.255.0"))
                .setExact(MatchField.ETH_TYPE, EthType.IPv4).build()));
        assertEquals("set_field:ip_dscp=0x2e", FlowDump.actions(List.of(f.actions().setField(
                f.oxms().ipDscp(IpDscp.DSCP_46)))));
    }

    private static String withoutTcpFlags(String dump) {
        return dump.replaceAll("(?m)^.*ovs_tcp_flags=.*\n", "");
    }

    private static FlowTableSimulator table(OFVersion v) {
        FlowTableSimulator t = new FlowTableSimulator();
        t.applyAll(compiler(v).pipeline(PIPELINE));
        t.applyAll(both(v, true));
        return t;
    }

    private static List<OFMessage> both(OFVersion v, boolean install) {
        FlowCompiler c = compiler(v);
        List<OFMessage> out = new ArrayList<>(install ? c.installBinding(TCP) : c.removeBinding(TCP));
        out.addAll(install ? c.installBinding(UDP) : c.removeBinding(UDP));
        return out;
    }

    private static String golden(String name, OFVersion v) throws IOException {
        String file = "/golden/" + name + "-" + (v == OFVersion.OF_10 ? "of10" : "of13") + ".txt";
        try (InputStream in = GoldenDumpTest.class.getResourceAsStream(file)) {
            assertNotNull(in, file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
