package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.alg.ftp.TcpFrames.ACK;
import static io.flowmasq.controller.alg.ftp.TcpFrames.FIN;
import static io.flowmasq.controller.alg.ftp.TcpFrames.IP;
import static io.flowmasq.controller.alg.ftp.TcpFrames.PSH;
import static io.flowmasq.controller.alg.ftp.TcpFrames.SYN;
import static io.flowmasq.controller.alg.ftp.TcpFrames.ascii;
import static io.flowmasq.controller.alg.ftp.TcpFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.alg.ftp.TcpFrames.Spec;
import io.flowmasq.controller.alg.ftp.TcpSegmentRewriter.Result;
import io.flowmasq.controller.alg.ftp.TcpSegmentRewriter.Rewrite;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Whole-frame rewriting of control segments; checksums checked by {@link TcpFrames}' own routine. */
class TcpSegmentRewriterTest {
    private static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.1");
    private static final IPv4Address SERVER = IPv4Address.of("198.51.100.20");
    /** Record route, 8 bytes: type 7, length 7, pointer 4, one empty slot, then EOL. */
    private static final byte[] RECORD_ROUTE = bytes(7, 7, 4, 0, 0, 0, 0, 0);
    /** The usual Linux SYN options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7. */
    private static final byte[] SYN_OPTIONS = bytes(2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7);

    private static Spec command(String payload) {
        return Spec.of("10.0.0.11", 40000, "198.51.100.20", 21).seq(1000).ack(5000).payload(payload);
    }

    private static Rewrite.Builder outbound(byte[] frame) {
        return Rewrite.from(frame).ethernet(TcpFrames.GATEWAY_OUT, TcpFrames.ROUTER_MAC).source(PUBLIC, 61000);
    }

    private static void assertChecksums(byte[] frame) {
        assertTrue(TcpFrames.ipChecksumValid(frame), "IPv4 header checksum");
        assertTrue(TcpFrames.tcpChecksumValid(frame), "TCP checksum");
    }

    @Test
    void rewritesEveryFieldAndLengthensThePayload() {
        byte[] in = command("PORT 10,0,0,11,195,80\r\n").ipOptions(RECORD_ROUTE)
                .tcpOptions(bytes(1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9)).frame();
        byte[] before = in.clone();
        byte[] payload = ascii("PORT 203,0,113,1,238,72\r\n");
        Result r = TcpSegmentRewriter.rewrite(in, outbound(in).seq(1000).ack(4990).payload(payload).build());
        byte[] out = r.frame();

        assertArrayEquals(before, in, "input untouched");
        assertEquals(TcpFrames.GATEWAY_OUT, TcpFrames.ethSrc(out));
        assertEquals(TcpFrames.ROUTER_MAC, TcpFrames.ethDst(out));
        assertEquals(PUBLIC, TcpFrames.src(out));
        assertEquals(SERVER, TcpFrames.dst(out));
        assertEquals(61000, TcpFrames.sport(out));
        assertEquals(21, TcpFrames.dport(out));
        assertEquals(1000, TcpFrames.seq(out));
        assertEquals(4990, TcpFrames.ack(out));
        assertEquals(63, TcpFrames.ttl(out));
        assertEquals(0x1234, TcpFrames.ipId(out));
        assertEquals(ACK | PSH, TcpFrames.flags(out));
        assertArrayEquals(RECORD_ROUTE, TcpFrames.ipOptions(out));
        assertArrayEquals(bytes(1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9), TcpFrames.tcpOptions(out));
        assertArrayEquals(payload, TcpFrames.payload(out));
        assertEquals(28 + 32 + payload.length, TcpFrames.totalLength(out));
        assertEquals(IP + 28 + 32 + payload.length, out.length);
        assertChecksums(out);
        assertFalse(r.optionsMalformed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "PORT 1,2,3,4,0,1\r\n", "odd length payload\r\n!",
        "227 Entering Passive Mode (1,2,3,4,5,6).\r\n"})
    void checksumsAreRightForAnyLength(String payload) {
        byte[] in = command("PORT 192,168,100,200,195,80\r\n").frame();
        byte[] out = TcpSegmentRewriter.rewrite(in, outbound(in).payload(ascii(payload)).build()).frame();
        assertEquals(payload, TcpFrames.payloadText(out));
        assertEquals(40 + payload.length(), TcpFrames.totalLength(out));
        assertChecksums(out);
    }

    @Test
    void seqAndAckAcrossTheWrap() {
        byte[] in = command("NOOP\r\n").seq(0xffff_fffeL).ack(0xffff_ffffL).frame();
        byte[] out = TcpSegmentRewriter.rewrite(in, outbound(in).seq(0x1_0000_0003L).ack(-1).build()).frame();
        assertEquals(3, TcpFrames.seq(out));
        assertEquals(0xffff_ffffL, TcpFrames.ack(out));
        assertChecksums(out);
    }

    @Test
    void identityRewriteReproducesTheFrame() {
        byte[] in = command("USER anonymous\r\n").ipOptions(RECORD_ROUTE).tcpOptions(SYN_OPTIONS).frame();
        byte[] out = TcpSegmentRewriter.rewrite(in, Rewrite.from(in).decrementTtl(false).build()).frame();
        assertArrayEquals(in, out);
    }

    @Test
    void dropsEthernetPadding() {
        byte[] in = command("").frame();
        byte[] padded = Arrays.copyOf(in, 60);
        byte[] out = TcpSegmentRewriter.rewrite(padded, Rewrite.from(padded).decrementTtl(false).build()).frame();
        assertArrayEquals(in, out);
        byte[] longer = TcpSegmentRewriter.rewrite(padded, Rewrite.from(padded).payload(ascii("QUIT\r\n")).build())
                .frame();
        assertEquals("QUIT\r\n", TcpFrames.payloadText(longer));
        assertEquals(IP + 46, longer.length);
        assertChecksums(longer);
    }

    @Test
    void stripsSackPermittedFromTheSyn() {
        byte[] in = Spec.of("10.0.0.11", 40000, "198.51.100.20", 21).flags(SYN).ack(0).tcpOptions(SYN_OPTIONS).frame();
        Result r = TcpSegmentRewriter.rewrite(in, outbound(in).stripSackPermitted(true).build());
        byte[] expected = SYN_OPTIONS.clone();
        expected[4] = 1;
        expected[5] = 1;
        assertArrayEquals(expected, TcpFrames.tcpOptions(r.frame()));
        assertEquals(1, r.sackPermittedStripped());
        assertEquals(SYN, TcpFrames.flags(r.frame()));
        assertChecksums(r.frame());
        // Not asked: kept.
        Result kept = TcpSegmentRewriter.rewrite(in, outbound(in).build());
        assertArrayEquals(SYN_OPTIONS, TcpFrames.tcpOptions(kept.frame()));
        assertEquals(0, kept.sackPermittedStripped());
    }

    @Test
    void stripsSackPermittedAtAnOddOffset() {
        // NOP, SACK permitted, NOP: the option straddles 16-bit words.
        byte[] options = bytes(2, 4, 0x05, 0xb4, 1, 4, 2, 1);
        byte[] in = Spec.of("10.0.0.11", 40000, "198.51.100.20", 21).flags(SYN).tcpOptions(options).frame();
        byte[] out = TcpSegmentRewriter.rewrite(in, outbound(in).stripSackPermitted(true).build()).frame();
        assertArrayEquals(bytes(2, 4, 0x05, 0xb4, 1, 1, 1, 1), TcpFrames.tcpOptions(out));
        assertChecksums(out);
    }

    @Test
    void adjustsEverySackEdge() {
        // NOP, NOP, SACK with two blocks, NOP, NOP, timestamps.
        ByteBuffer o = ByteBuffer.allocate(32).put((byte) 1).put((byte) 1).put((byte) 5).put((byte) 18)
                .putInt(1025).putInt(1100).putInt(0xffff_fff8).putInt(0x10)
                .put((byte) 1).put((byte) 1).put((byte) 8).put((byte) 10).putInt(77).putInt(88);
        byte[] options = o.array();
        byte[] in = Spec.of("198.51.100.20", 21, "203.0.113.1", 61000).ack(1025).tcpOptions(options).frame();
        SeqAdjust client = new SeqAdjust();
        client.recordChange(1000, 2); // the server SACKs the client's data in rewritten numbering
        Result r = TcpSegmentRewriter.rewrite(in, Rewrite.from(in).destination(IPv4Address.of("10.0.0.11"), 40000)
                .ack(client.adjustAck(1025)).sackEdges(client::adjustSackEdge).build());
        ByteBuffer got = ByteBuffer.wrap(TcpFrames.tcpOptions(r.frame()));
        assertEquals(1023, got.getInt(4));
        assertEquals(1098, got.getInt(8));
        assertEquals(0xffff_fff8, got.getInt(12)); // a block across the wrap, before the change: unchanged
        assertEquals(0x10, got.getInt(16));
        assertEquals(1023, TcpFrames.ack(r.frame()));
        assertEquals(2, r.sackBlocksAdjusted());
        assertArrayEquals(Arrays.copyOfRange(options, 20, 32), Arrays.copyOfRange(TcpFrames.tcpOptions(r.frame()), 20, 32));
        assertChecksums(r.frame());
        // Without a function, SACK blocks stay.
        Result same = TcpSegmentRewriter.rewrite(in, Rewrite.from(in).build());
        assertArrayEquals(options, TcpFrames.tcpOptions(same.frame()));
        assertEquals(0, same.sackBlocksAdjusted());
    }

    @Test
    void sackEdgesWrapModulo32Bits() {
        ByteBuffer o = ByteBuffer.allocate(12).put((byte) 1).put((byte) 1).put((byte) 5).put((byte) 10)
                .putInt(0xffff_fffe).putInt(3);
        byte[] in = Spec.of("198.51.100.20", 21, "203.0.113.1", 61000).tcpOptions(o.array()).frame();
        byte[] out = TcpSegmentRewriter.rewrite(in, Rewrite.from(in).sackEdges(e -> e + 5).build()).frame();
        ByteBuffer got = ByteBuffer.wrap(TcpFrames.tcpOptions(out));
        assertEquals(3, got.getInt(4));
        assertEquals(8, got.getInt(8));
        assertChecksums(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "02 04 05",            // MSS cut short (padded with EOL below: length runs past the end)
        "05 0b 00 00 00 01 00 00 00 02 00 00", // SACK of 11 bytes
        "05 02 00 00",         // SACK without blocks
        "04 03 00 00",         // SACK permitted of length 3
        "08 00 00 00",         // length 0
        "08 01 00 00",         // length 1
    })
    void malformedOptionsAreCopiedUnchanged(String hex) {
        String[] parts = hex.split(" ");
        byte[] options = new byte[(parts.length + 3) / 4 * 4];
        for (int i = 0; i < parts.length; i++) {
            options[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        if (parts.length % 4 != 0) {
            options[1] = (byte) 40; // make the first option run past the end
        }
        byte[] in = command("NOOP\r\n").tcpOptions(options).frame();
        Result r = TcpSegmentRewriter.rewrite(in, outbound(in).stripSackPermitted(true).sackEdges(e -> e + 1).build());
        assertTrue(r.optionsMalformed());
        assertArrayEquals(options, TcpFrames.tcpOptions(r.frame()));
        assertEquals(0, r.sackBlocksAdjusted());
        assertChecksums(r.frame());
    }

    @Test
    void endOfOptionListStopsTheWalk() {
        byte[] options = bytes(0, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0); // EOL, then garbage that is not parsed
        byte[] in = command("NOOP\r\n").tcpOptions(options).frame();
        Result r = TcpSegmentRewriter.rewrite(in, outbound(in).sackEdges(e -> e + 1).build());
        assertFalse(r.optionsMalformed());
        assertArrayEquals(options, TcpFrames.tcpOptions(r.frame()));
    }

    @Test
    void setsFlagsWhenAsked() {
        byte[] in = command("QUIT\r\n").flags(ACK | PSH | FIN).frame();
        byte[] out = TcpSegmentRewriter.rewrite(in, outbound(in).tcpFlags(ACK | PSH).build()).frame();
        assertEquals(ACK | PSH, TcpFrames.flags(out));
        assertEquals(20, TcpFrames.dataOffset(out));
        byte[] ns = TcpSegmentRewriter.rewrite(in, outbound(in).tcpFlags(0x100 | ACK).build()).frame();
        assertEquals(0x100 | ACK, TcpFrames.flags(ns));
        assertEquals(20, TcpFrames.dataOffset(ns));
        assertChecksums(ns);
    }

    @Test
    void keepsTtlWhenAskedAndRefusesToDecrementTheLastHop() {
        byte[] in = command("NOOP\r\n").ttl(1).frame();
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(in, outbound(in).build()));
        byte[] out = TcpSegmentRewriter.rewrite(in, outbound(in).decrementTtl(false).build()).frame();
        assertEquals(1, TcpFrames.ttl(out));
        byte[] two = command("NOOP\r\n").ttl(2).frame();
        assertEquals(1, TcpFrames.ttl(TcpSegmentRewriter.rewrite(two, outbound(two).build()).frame()));
    }

    @Test
    void rejectsWhatIsNotAWholeTcpSegment() {
        byte[] good = command("NOOP\r\n").frame();
        Rewrite r = Rewrite.from(good).build();
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(Arrays.copyOf(good, 30), r));
        assertThrows(IllegalArgumentException.class,
                () -> TcpSegmentRewriter.rewrite(Arrays.copyOf(good, good.length - 1), r), "truncated payload");

        byte[] arp = good.clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(arp, r));
        byte[] udp = good.clone();
        udp[IP + 9] = 17;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(udp, r));
        byte[] v6 = good.clone();
        v6[IP] = 0x65;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(v6, r));
        byte[] shortIhl = good.clone();
        shortIhl[IP] = 0x44;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(shortIhl, r));
        byte[] fragment = good.clone();
        fragment[IP + 6] = 0x20; // MF
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(fragment, r));
        byte[] later = good.clone();
        later[IP + 7] = 0x01; // offset 8
        later[IP + 6] = 0x00;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(later, r));
        byte[] smallOffset = good.clone();
        smallOffset[IP + 20 + 12] = 0x40;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(smallOffset, r));
        byte[] bigOffset = good.clone();
        bigOffset[IP + 20 + 12] = (byte) 0xf0;
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(bigOffset, r));
        byte[] totalShort = good.clone();
        TcpFrames.put16(totalShort, IP + 2, 39);
        assertThrows(IllegalArgumentException.class, () -> TcpSegmentRewriter.rewrite(totalShort, r));
        assertThrows(IllegalArgumentException.class,
                () -> TcpSegmentRewriter.rewrite(good, Rewrite.from(good).payload(new byte[65535 - 40 + 1]).build()));
        TcpSegmentRewriter.rewrite(good, Rewrite.from(good).payload(new byte[65535 - 40]).build());
    }

    @Test
    void rewriteValidatesItsValues() {
        byte[] good = command("NOOP\r\n").frame();
        assertThrows(IllegalArgumentException.class, () -> Rewrite.from(good).source(PUBLIC, 65536).build());
        assertThrows(IllegalArgumentException.class, () -> Rewrite.from(good).tcpFlags(0x200).build());
        assertThrows(NullPointerException.class, () -> Rewrite.from(good).payload(null).build());
        assertEquals(5, Rewrite.from(good).seq(0x1_0000_0005L).build().seq());
    }
}
