package io.flowmasq.controller.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

class PacketParserTest {
    private static final MacAddress A = MacAddress.of("00:00:00:00:00:11");
    private static final MacAddress GW = MacAddress.of("02:f1:00:00:00:01");

    private static byte[] ipv4(int flagsOffset, int proto, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(34 + l4.length);
        b.put(GW.getBytes()).put(A.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 7)
                .putShort((short) flagsOffset).put((byte) 9).put((byte) proto).putShort((short) 0)
                .putInt(IPv4Address.of("10.0.0.11").getInt()).putInt(IPv4Address.of("198.51.100.7").getInt());
        return b.put(l4).array();
    }

    @Test
    void tcpHeaderFieldsAndFlags() throws Exception {
        byte[] tcp = ByteBuffer.allocate(20).putShort((short) 40000).putShort((short) 80).putInt(1).putInt(0)
                .putShort((short) 0x5012).array();
        Ipv4Packet p = (Ipv4Packet) PacketParser.parse(ipv4(0x4000, 6, tcp));
        assertEquals(new Ipv4Packet(A, GW, IPv4Address.of("10.0.0.11"), IPv4Address.of("198.51.100.7"), 6, 9,
                false, 40000, 80, 0x12), p);
    }

    @Test
    void fragmentsAreMarkedAndLaterFragmentsHaveNoPorts() throws Exception {
        Ipv4Packet first = (Ipv4Packet) PacketParser.parse(ipv4(0x2000, 17, new byte[8]));
        assertTrue(first.fragment());
        assertTrue(first.hasPorts());
        Ipv4Packet later = (Ipv4Packet) PacketParser.parse(ipv4(0x0010, 17, new byte[3]));
        assertTrue(later.fragment());
        assertFalse(later.hasPorts());
    }

    @Test
    void arpRequestAndTheReplyBuiltForIt() throws Exception {
        byte[] request = ArpFrames.request(A, IPv4Address.of("10.0.0.11"), IPv4Address.of("10.0.0.1"));
        ArpPacket req = (ArpPacket) PacketParser.parse(request);
        assertTrue(req.isRequest());
        assertEquals(MacAddress.BROADCAST, req.ethDst());
        assertEquals(IPv4Address.of("10.0.0.1"), req.targetIp());
        ArpPacket reply = (ArpPacket) PacketParser.parse(ArpFrames.reply(req, GW));
        assertEquals(new ArpPacket(GW, A, ArpPacket.REPLY, GW, IPv4Address.of("10.0.0.1"), A,
                IPv4Address.of("10.0.0.11")), reply);
    }

    @Test
    void otherEthertypesAreReportedNotParsed() throws Exception {
        byte[] lldp = new byte[60];
        lldp[12] = (byte) 0x88;
        lldp[13] = (byte) 0xcc;
        assertEquals(new OtherPacket(0x88cc), PacketParser.parse(lldp));
    }

    @Test
    void malformedFramesNameWhatIsWrong() {
        assertEquals("truncated_ethernet", assertThrows(MalformedPacketException.class,
                () -> PacketParser.parse(new byte[13])).kind());
        byte[] v6inV4 = ipv4(0, 17, new byte[8]);
        v6inV4[14] = 0x65;
        assertEquals("bad_ip_version", assertThrows(MalformedPacketException.class,
                () -> PacketParser.parse(v6inV4)).kind());
        byte[] arp = java.util.Arrays.copyOf(ArpFrames.request(A, IPv4Address.of("10.0.0.11"),
                IPv4Address.of("10.0.0.1")), 30);
        assertEquals("truncated_arp", assertThrows(MalformedPacketException.class,
                () -> PacketParser.parse(arp)).kind());
        byte[] hugeIhl = ipv4(0, 17, new byte[8]);
        hugeIhl[14] = 0x4f;
        assertEquals("bad_ihl", assertThrows(MalformedPacketException.class,
                () -> PacketParser.parse(hugeIhl)).kind());
    }

    @Test
    void lengthsThatDisagreeWithTheFrameAreMalformed() throws Exception {
        byte[] tcp = ByteBuffer.allocate(20).putShort((short) 40000).putShort((short) 80).putInt(1).putInt(0)
                .putShort((short) 0x5002).array();
        byte[] cut = java.util.Arrays.copyOf(ipv4(0x4000, 6, tcp), 50); // total length 40, 36 IP bytes
        assertEquals("truncated_ipv4", assertThrows(MalformedPacketException.class,
                () -> PacketParser.parse(cut)).kind());
        byte[] shortTotal = ipv4(0x4000, 17, new byte[8]);
        shortTotal[17] = 27; // the UDP header ends past the datagram, inside the frame's padding
        assertEquals("truncated_l4", assertThrows(MalformedPacketException.class,
                () -> PacketParser.parse(shortTotal)).kind());
        for (int offset : new int[] {0, 4, 6, 15}) {
            byte[] bad = ipv4(0x4000, 6, tcp);
            bad[34 + 12] = (byte) (offset << 4 | 0x0);
            assertEquals("bad_tcp_offset", assertThrows(MalformedPacketException.class,
                    () -> PacketParser.parse(bad)).kind(), "data offset " + offset);
        }
        byte[] padded = java.util.Arrays.copyOf(ipv4(0x4000, 6, tcp), 60); // Ethernet padding is fine
        assertEquals(40000, ((Ipv4Packet) PacketParser.parse(padded)).srcPort());
    }

    @Test
    void arpFramesArePaddedToTheEthernetMinimum() {
        byte[] f = ArpFrames.request(A, IPv4Address.of("10.0.0.11"), IPv4Address.of("10.0.0.1"));
        assertEquals(60, f.length);
        assertArrayEquals(new byte[] {0x08, 0x06}, java.util.Arrays.copyOfRange(f, 12, 14));
    }
}
