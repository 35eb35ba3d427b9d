package io.flowmasq.controller.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Endpoint;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

class TcpProbeFramesTest {
    private static final MacAddress GW_MAC = MacAddress.of("02:f1:00:00:00:01");
    private static final MacAddress SERVER_MAC = MacAddress.of("00:00:00:00:00:13");
    private static final IPv4Address GW = IPv4Address.of("10.0.0.1");
    private static final Endpoint SERVER = Endpoint.of("10.0.0.13", 80);
    private static final int L4 = SynFramesForTest.L4;

    @Test
    void synParsesToTheProbeFieldsWithValidChecksums() throws Exception {
        byte[] syn = TcpProbeFrames.syn(GW_MAC, SERVER_MAC, GW, SERVER, 61000, 0xfedcba98L);
        Ipv4Packet p = (Ipv4Packet) PacketParser.parse(syn);
        assertEquals(new Ipv4Packet(GW_MAC, SERVER_MAC, GW, SERVER.address(), 6, 64, false, 61000, 80,
                TcpProbeFrames.SYN), p);
        ByteBuffer b = ByteBuffer.wrap(syn);
        assertEquals(0xfedcba98L, b.getInt(L4 + 4) & 0xffffffffL);
        assertEquals(0, b.getInt(L4 + 8));
        assertEquals(5, (syn[L4 + 12] >> 4) & 0x0f);
        assertEquals(L4 + 20, syn.length);
        assertTrue(SynFramesForTest.ipChecksumValid(syn));
        assertTrue(SynFramesForTest.tcpChecksumValid(syn));
    }

    @Test
    void rstCarriesTheSequenceTheServerExpectsAndNoAck() throws Exception {
        long isn = 0xffffffffL; // ISN + 1 wraps to 0: the caller passes Probe.expectedAck()
        byte[] rst = TcpProbeFrames.rst(GW_MAC, SERVER_MAC, GW, SERVER, 61999, (isn + 1) & 0xffffffffL);
        Ipv4Packet p = (Ipv4Packet) PacketParser.parse(rst);
        assertEquals(new Ipv4Packet(GW_MAC, SERVER_MAC, GW, SERVER.address(), 6, 64, false, 61999, 80,
                TcpProbeFrames.RST), p);
        ByteBuffer b = ByteBuffer.wrap(rst);
        assertEquals(0, b.getInt(L4 + 4));
        assertEquals(0, b.getInt(L4 + 8));
        assertEquals(0, b.getShort(L4 + 14)); // window
        assertTrue(SynFramesForTest.ipChecksumValid(rst));
        assertTrue(SynFramesForTest.tcpChecksumValid(rst));

        byte[] other = TcpProbeFrames.rst(GW_MAC, SERVER_MAC, GW, SERVER, 61999, 0x12345678L);
        assertEquals(0x12345678, ByteBuffer.wrap(other).getInt(L4 + 4));
        assertTrue(SynFramesForTest.tcpChecksumValid(other));
    }

    @Test
    void acknowledgmentReadsTheAckNumberOfAReply() {
        byte[] synAck = SynFramesForTest.segment(SERVER_MAC, GW_MAC, "10.0.0.13", 80, "10.0.0.1", 61000,
                SynFramesForTest.SYN | SynFramesForTest.ACK, SynFramesForTest.linuxOptions(1460));
        assertEquals(0x55667788L, TcpProbeFrames.acknowledgment(synAck));
    }

    @Test
    void refusesPortZero() {
        assertThrows(IllegalArgumentException.class,
                () -> TcpProbeFrames.syn(GW_MAC, SERVER_MAC, GW, SERVER, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> TcpProbeFrames.syn(GW_MAC, SERVER_MAC, GW, Endpoint.of("10.0.0.13", 0), 61000, 1));
    }
}
