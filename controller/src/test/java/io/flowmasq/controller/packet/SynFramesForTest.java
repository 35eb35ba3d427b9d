package io.flowmasq.controller.packet;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * TCP segments with options, checksummed by a routine written apart from {@link Checksums} (a plain
 * sum of big-endian words), and that routine to verify what the engine emits.
 */
public final class SynFramesForTest {
    public static final int SYN = 0x02;
    public static final int ACK = 0x10;
    public static final int IP = 14;
    public static final int L4 = 34;

    private SynFramesForTest() {
    }

    /** The usual Linux SYN options with {@code mss}: MSS, SACK permitted, timestamps, NOP, window scale. */
    public static byte[] linuxOptions(int mss) {
        return ByteBuffer.allocate(20).put((byte) 2).put((byte) 4).putShort((short) mss)
                .put((byte) 4).put((byte) 2)
                .put((byte) 8).put((byte) 10).putInt(0x01020304).putInt(0)
                .put((byte) 1).put((byte) 3).put((byte) 3).put((byte) 7).array();
    }

    /** An Ethernet/IPv4/TCP frame with {@code options} (a multiple of 4 bytes) and a correct TCP checksum. */
    public static byte[] segment(MacAddress src, MacAddress dst, String from, int sport, String to, int dport,
                                 int flags, byte[] options) {
        if (options.length % 4 != 0 || options.length > 40) {
            throw new IllegalArgumentException("options of " + options.length + " bytes");
        }
        int tcpLength = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(L4 + tcpLength);
        b.put(dst.getBytes()).put(src.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLength)).putShort((short) 4321)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(IPv4Address.of(from).getInt()).putInt(IPv4Address.of(to).getInt());
        b.putShort((short) sport).putShort((short) dport).putInt(0x11223344).putInt(flags == SYN ? 0 : 0x55667788)
                .put((byte) (tcpLength / 4 << 4)).put((byte) flags).putShort((short) 64240)
                .putShort((short) 0).putShort((short) 0).put(options);
        byte[] frame = b.array();
        store(frame, IP + 10, ~fold(wordSum(frame, IP, 20)));
        store(frame, L4 + 16, ~fold(pseudoSum(frame) + wordSum(frame, L4, tcpLength)));
        return frame;
    }

    /** True when the TCP checksum of the frame (IPv4 header of 20 bytes) is correct. */
    public static boolean tcpChecksumValid(byte[] frame) {
        return fold(pseudoSum(frame) + wordSum(frame, L4, tcpLength(frame))) == 0xffff;
    }

    /** True when the IPv4 header checksum is correct. */
    public static boolean ipChecksumValid(byte[] frame) {
        return fold(wordSum(frame, IP, 20)) == 0xffff;
    }

    public static int tcpLength(byte[] frame) {
        return (((frame[IP + 2] & 0xff) << 8) | (frame[IP + 3] & 0xff)) - 20;
    }

    private static long pseudoSum(byte[] frame) {
        return wordSum(frame, IP + 12, 8) + 6 + tcpLength(frame);
    }

    private static long wordSum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += (b[offset + i] & 0xff) * 256 + (i + 1 < length ? b[offset + i + 1] & 0xff : 0);
        }
        return sum;
    }

    private static int fold(long sum) {
        while (sum > 0xffff) {
            sum = (sum >> 16) + (sum & 0xffff);
        }
        return (int) sum;
    }

    private static void store(byte[] b, int at, int value) {
        b[at] = (byte) (value >> 8);
        b[at + 1] = (byte) value;
    }
}
