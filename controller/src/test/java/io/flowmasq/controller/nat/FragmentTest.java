package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.GW_OUT;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.OUT;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static io.flowmasq.controller.nat.IcmpFramesForTest.ip;
import static io.flowmasq.controller.nat.IcmpFramesForTest.u16;
import static io.flowmasq.controller.nat.IcmpFramesForTest.valid;
import static io.flowmasq.controller.nat.IcmpFramesForTest.wordSum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.types.MacAddress;

/** Fragments translated on the controller: exact bytes, checksums verified after reassembly. */
class FragmentTest {
    private static final int IP = 14;

    /** A UDP datagram with a correct checksum over {@code size} payload bytes, unfragmented. */
    private static byte[] bigUdp(MacAddress src, MacAddress dst, String from, int sport, String to, int dport,
                                 int size, int ipId) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 7);
        }
        byte[] udp = ByteBuffer.allocate(8 + size).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + size)).putShort((short) 0).put(payload).array();
        byte[] frame = IcmpFramesForTest.ip(src, dst, from, to, 17, 64, udp);
        frame[IP + 4] = (byte) (ipId >> 8);
        frame[IP + 5] = (byte) ipId;
        IcmpFramesForTest.fillIpHeader(frame);
        IcmpFramesForTest.fillUdp(frame);
        return frame;
    }

    /** Splits an unfragmented frame's IP payload into fragments of at most 1480 bytes. */
    private static List<byte[]> fragment(byte[] frame) {
        List<byte[]> out = new ArrayList<>();
        int payload = frame.length - IP - 20;
        for (int off = 0; off < payload; off += 1480) {
            int len = Math.min(1480, payload - off);
            byte[] f = new byte[IP + 20 + len];
            System.arraycopy(frame, 0, f, 0, IP + 20);
            System.arraycopy(frame, IP + 20 + off, f, IP + 20, len);
            int flags = (off + len < payload ? 0x2000 : 0) | (off / 8);
            f[IP + 2] = (byte) ((20 + len) >> 8);
            f[IP + 3] = (byte) (20 + len);
            f[IP + 6] = (byte) (flags >> 8);
            f[IP + 7] = (byte) flags;
            IcmpFramesForTest.fillIpHeader(f);
            out.add(f);
        }
        return out;
    }

    private static List<byte[]> sentOn(int port, List<OFMessage> out) {
        List<byte[]> frames = new ArrayList<>();
        for (OFMessage m : out) {
            if (m instanceof OFPacketOut po && po.getData().length > 0
                    && ((OFActionOutput) po.getActions().get(po.getActions().size() - 1)).getPort()
                    .getPortNumber() == port) {
                frames.add(po.getData());
            }
        }
        return frames;
    }

    /** Reassembles translated fragments and checks every IP header and the UDP checksum end to end. */
    private static byte[] reassembleAndCheck(List<byte[]> frags) {
        ByteArrayOutputStream l4 = new ByteArrayOutputStream();
        for (byte[] f : frags) {
            assertTrue(valid(f, IP, 20), "fragment IP checksum");
            l4.write(f, IP + 20, f.length - IP - 20);
        }
        byte[] data = l4.toByteArray();
        byte[] first = frags.get(0);
        assertEquals(0xffff, IcmpFramesForTest.fold(wordSum(first, IP + 12, 8) + 17 + data.length
                + wordSum(data, 0, data.length)), "UDP checksum over the reassembled datagram");
        return data;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aFragmentedDatagramGoesOutWithThePublicEndpointAndComesBack(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        byte[] whole = bigUdp(H1, GW_IN, "10.0.0.11", 40000, "198.51.100.7", 7, 4000, 0x1111);
        List<byte[]> frags = fragment(whole);
        assertEquals(3, frags.size());
        List<byte[]> outside = new ArrayList<>();
        for (byte[] f : frags) {
            outside.addAll(sentOn(3, h.packetIn(P1, f)));
        }
        assertEquals(3, outside.size());
        for (byte[] f : outside) {
            assertEquals("203.0.113.1", ip(f, IP + 12));
            assertEquals(ROUTER, MacAddress.of(Arrays.copyOfRange(f, 0, 6)));
            assertEquals(63, f[IP + 8] & 0xff);
        }
        assertEquals(40000, u16(outside.get(0), IP + 20), "port preserved in the first fragment");
        byte[] data = reassembleAndCheck(outside);
        assertTrue(Arrays.equals(Arrays.copyOfRange(whole, IP + 28, whole.length), Arrays.copyOfRange(data, 8, data.length)));

        // The reply, fragmented, arrives with its last fragment first.
        List<byte[]> reply = fragment(bigUdp(ROUTER, GW_OUT, "198.51.100.7", 7, "203.0.113.1", 40000, 4000, 0x2222));
        List<byte[]> inside = new ArrayList<>();
        inside.addAll(sentOn(1, h.packetIn(OUT, reply.get(2))));
        assertEquals(0, inside.size(), "held until the first fragment tells where it goes");
        assertEquals(1, h.counter("nat.fragment.held"));
        inside.addAll(sentOn(1, h.packetIn(OUT, reply.get(0))));
        inside.addAll(sentOn(1, h.packetIn(OUT, reply.get(1))));
        assertEquals(3, inside.size());
        for (byte[] f : inside) {
            assertEquals("10.0.0.11", ip(f, IP + 16));
            assertEquals(H1, MacAddress.of(Arrays.copyOfRange(f, 0, 6)));
        }
        inside.sort((a, b) -> Integer.compare(u16(a, IP + 6) & 0x1fff, u16(b, IP + 6) & 0x1fff));
        byte[] back = reassembleAndCheck(inside);
        assertEquals(40000, u16(back, 2), "destination port restored");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void fragmentsForNoBindingOrWithoutTheirFirstAreDroppedAndCounted(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        List<byte[]> stray = fragment(bigUdp(ROUTER, GW_OUT, "198.51.100.7", 7, "203.0.113.1", 41000, 3000, 7));
        assertEquals(List.of(), h.packetIn(OUT, stray.get(0)));
        assertEquals(1, h.counter("nat.fragment.dropped.no_binding"));
        assertEquals(List.of(), h.packetIn(OUT, stray.get(1)));
        h.now += FragmentTranslator.HOLD_MS;
        h.engine.onTick(h.now);
        assertEquals(1, h.counter("nat.fragment.dropped.orphan"));
    }
}
