package io.flowmasq.controller.packet;

import static io.flowmasq.controller.packet.SynFramesForTest.ACK;
import static io.flowmasq.controller.packet.SynFramesForTest.IP;
import static io.flowmasq.controller.packet.SynFramesForTest.L4;
import static io.flowmasq.controller.packet.SynFramesForTest.SYN;
import static io.flowmasq.controller.packet.SynFramesForTest.linuxOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.packet.TcpMssClamp.Outcome;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;

/** The bytes of MSS clamping; checksums checked by {@link SynFramesForTest}'s own routine. */
class TcpMssClampTest {
    private static final MacAddress A = MacAddress.of("00:00:00:00:00:11");
    private static final MacAddress B = MacAddress.of("02:f1:00:00:00:01");

    private static byte[] syn(int flags, byte[] options) {
        return SynFramesForTest.segment(A, B, "10.0.0.11", 40000, "198.51.100.7", 80, flags, options);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static void assertClampedTo(byte[] expected, byte[] input, int mss) {
        byte[] before = input.clone();
        TcpMssClamp.Result r = TcpMssClamp.clamp(input, mss);
        assertEquals(Outcome.CLAMPED, r.outcome());
        assertArrayEquals(expected, r.frame());
        assertTrue(SynFramesForTest.tcpChecksumValid(r.frame()));
        assertTrue(SynFramesForTest.ipChecksumValid(r.frame()));
        assertArrayEquals(before, input, "the input frame is never written");
    }

    private static void assertLeftAlone(Outcome outcome, byte[] input, int mss) {
        byte[] before = input.clone();
        TcpMssClamp.Result r = TcpMssClamp.clamp(input, mss);
        assertEquals(outcome, r.outcome());
        assertSame(input, r.frame());
        assertArrayEquals(before, input);
    }

    @Test
    void mss1460BecomesTheClampWithACorrectChecksum() {
        byte[] in = syn(SYN, linuxOptions(1460));
        assertClampedTo(syn(SYN, linuxOptions(1360)), in, 1360);
    }

    @Test
    void onlyTheMssBytesAndTheTcpChecksumChange() {
        byte[] in = syn(SYN, linuxOptions(1460));
        byte[] out = TcpMssClamp.clamp(in, 1360).frame();
        for (int i = 0; i < in.length; i++) {
            boolean mayChange = i == L4 + 16 || i == L4 + 17 || i == L4 + 22 || i == L4 + 23;
            if (!mayChange) {
                assertEquals(in[i], out[i], "byte " + i);
            }
        }
        assertEquals(0x05, out[L4 + 22]);
        assertEquals(0x50, out[L4 + 23]);
    }

    @Test
    void anMssAtAnOddOffsetStraddlesTwoChecksumWords() {
        byte[] odd = bytes(1, 2, 4, 0x05, 0xb4, 1, 1, 1);
        byte[] want = bytes(1, 2, 4, 0x05, 0x50, 1, 1, 1);
        assertClampedTo(syn(SYN, want), syn(SYN, odd), 1360);
    }

    @Test
    void aSynAckIsClampedToo() {
        assertClampedTo(syn(SYN | ACK, linuxOptions(1360)), syn(SYN | ACK, linuxOptions(8960)), 1360);
    }

    @Test
    void everyMssOptionAboveTheClampIsLowered() {
        byte[] two = bytes(2, 4, 0x23, 0x28, 2, 4, 0x05, 0xb4);
        byte[] want = bytes(2, 4, 0x05, 0x50, 2, 4, 0x05, 0x50);
        assertClampedTo(syn(SYN, want), syn(SYN, two), 1360);
    }

    @Test
    void neverRaised() {
        assertLeftAlone(Outcome.UNCHANGED, syn(SYN, linuxOptions(1200)), 1360);
        assertLeftAlone(Outcome.UNCHANGED, syn(SYN, linuxOptions(1360)), 1360);
    }

    @Test
    void noMssOptionOrNoOptions() {
        assertLeftAlone(Outcome.UNCHANGED, syn(SYN, bytes(1, 1, 4, 2)), 1360);
        assertLeftAlone(Outcome.UNCHANGED, syn(SYN, new byte[0]), 1360);
    }

    @Test
    void optionsAfterEndOfListAreNotRead() {
        assertLeftAlone(Outcome.UNCHANGED, syn(SYN, bytes(0, 2, 4, 0x05, 0xb4, 0, 0, 0)), 1360);
        // junk after EOL is padding, not a malformed list
        assertLeftAlone(Outcome.UNCHANGED, syn(SYN, bytes(1, 0, 0xff, 0)), 1360);
    }

    @Test
    void notASyn() {
        assertLeftAlone(Outcome.UNCHANGED, syn(ACK, linuxOptions(1460)), 1360);
    }

    @Test
    void optionOfLengthZeroOrOne() {
        assertLeftAlone(Outcome.MALFORMED, syn(SYN, bytes(8, 0, 2, 4, 0x05, 0xb4, 1, 1)), 1360);
        assertLeftAlone(Outcome.MALFORMED, syn(SYN, bytes(2, 4, 0x05, 0xb4, 3, 1, 1, 1)), 1360);
    }

    @Test
    void optionRunningPastTheHeader() {
        assertLeftAlone(Outcome.MALFORMED, syn(SYN, bytes(2, 4, 0x05, 0xb4, 1, 1, 8, 10)), 1360);
    }

    @Test
    void optionKindWithoutALengthByte() {
        assertLeftAlone(Outcome.MALFORMED, syn(SYN, bytes(2, 4, 0x05, 0xb4, 1, 1, 1, 3)), 1360);
    }

    @Test
    void mssOptionOfTheWrongLength() {
        assertLeftAlone(Outcome.MALFORMED, syn(SYN, bytes(2, 3, 0x05, 1)), 1360);
        assertLeftAlone(Outcome.MALFORMED, syn(SYN, bytes(2, 6, 0x05, 0xb4, 0, 0, 1, 1)), 1360);
    }

    @Test
    void dataOffsetBeyondTheSegmentOrBelowTheHeader() {
        byte[] beyond = syn(SYN, linuxOptions(1460));
        beyond[L4 + 12] = (byte) 0xf0;
        assertLeftAlone(Outcome.MALFORMED, beyond, 1360);
        byte[] below = syn(SYN, linuxOptions(1460));
        below[L4 + 12] = (byte) 0x40;
        assertLeftAlone(Outcome.MALFORMED, below, 1360);
    }

    @Test
    void aFrameCutShortOfItsIpLengthIsNotRewritten() {
        byte[] whole = syn(SYN, linuxOptions(1460));
        assertLeftAlone(Outcome.UNCHANGED, Arrays.copyOf(whole, whole.length - 1), 1360);
    }

    @Test
    void ethernetPaddingIsKept() {
        byte[] whole = syn(SYN, bytes(2, 4, 0x05, 0xb4));
        byte[] padded = Arrays.copyOf(whole, 60);
        byte[] want = Arrays.copyOf(syn(SYN, bytes(2, 4, 0x05, 0x50)), 60);
        TcpMssClamp.Result r = TcpMssClamp.clamp(padded, 1360);
        assertEquals(Outcome.CLAMPED, r.outcome());
        assertArrayEquals(want, r.frame());
    }

    @Test
    void fragmentsAndOtherProtocolsAreNotTouched() {
        byte[] fragment = syn(SYN, linuxOptions(1460));
        fragment[IP + 6] = 0x20; // more fragments (the IP checksum does not matter here)
        assertLeftAlone(Outcome.UNCHANGED, fragment, 1360);
        byte[] udp = syn(SYN, linuxOptions(1460));
        udp[IP + 9] = 17;
        assertLeftAlone(Outcome.UNCHANGED, udp, 1360);
        assertLeftAlone(Outcome.UNCHANGED, new byte[20], 1360);
    }

    @Test
    void theClampMustBeA16BitValue() {
        assertThrows(IllegalArgumentException.class, () -> TcpMssClamp.clamp(syn(SYN, new byte[0]), 0));
        assertThrows(IllegalArgumentException.class, () -> TcpMssClamp.clamp(syn(SYN, new byte[0]), 65536));
    }
}
