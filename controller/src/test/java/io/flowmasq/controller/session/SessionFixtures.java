package io.flowmasq.controller.session;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.OutsideConfig;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.Frames;
import java.util.List;
import java.util.OptionalInt;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** The switch of the NAT engine tests (inside 10.0.0.0/24 on ports 1 and 2, outside on 3), and its frames. */
final class SessionFixtures {
    static final MacAddress GW_IN = MacAddress.of("02:f1:00:00:00:01");
    static final MacAddress GW_OUT = MacAddress.of("02:f1:00:00:00:02");
    static final MacAddress H1 = MacAddress.of("00:00:00:00:00:11");
    static final MacAddress H2 = MacAddress.of("00:00:00:00:00:12");
    static final MacAddress ROUTER = MacAddress.of("00:00:00:00:00:aa");
    static final OFPort P1 = OFPort.of(1);
    static final OFPort P2 = OFPort.of(2);
    static final OFPort OUT = OFPort.of(3);
    static final byte[] PAYLOAD = "hello".getBytes();

    private SessionFixtures() {
    }

    static SwitchConfig switchConfig(long dpid, String name) {
        return new SwitchConfig(DatapathId.of(dpid), name,
                List.of(new InsideConfig(List.of(P1, P2), IPv4Address.of("10.0.0.1"), 24, GW_IN)),
                new OutsideConfig(OUT, IPv4Address.of("203.0.113.1"), 24, List.of(IPv4Address.of("203.0.113.1")),
                        GW_OUT, IPv4Address.of("203.0.113.10"), OutsideConfig.DEFAULT_MTU),
                PortRange.DEFAULT, TimerConfig.RFC, OptionalInt.empty());
    }

    static OFPacketIn packetIn(OFFactory factory, OFPort port, byte[] frame) {
        OFPacketIn.Builder b = factory.buildPacketIn()
                .setBufferId(OFBufferId.NO_BUFFER)
                .setTotalLen(frame.length)
                .setReason(OFPacketInReason.NO_MATCH)
                .setData(frame);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setInPort(port);
        } else {
            b.setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, port).build())
                    .setTableId(TableId.ZERO).setCookie(U64.ZERO);
        }
        return b.build();
    }

    /** The next-hop router's answer to the gateway's ARP request. */
    static byte[] routerArpReply() {
        return Frames.arp(2, GW_OUT, ROUTER, "203.0.113.10", GW_OUT, "203.0.113.1");
    }

    /** An inside host asks for the gateway's MAC (which tells the controller where the host is). */
    static byte[] hostArp(MacAddress mac, String ip) {
        return Frames.arp(1, MacAddress.BROADCAST, mac, ip, MacAddress.NONE, "10.0.0.1");
    }

    static byte[] udpFromH1(int srcPort) {
        return Frames.udp(H1, GW_IN, "10.0.0.11", srcPort, "198.51.100.7", 53, PAYLOAD);
    }
}
