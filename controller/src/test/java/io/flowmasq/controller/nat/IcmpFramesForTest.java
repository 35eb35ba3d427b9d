package io.flowmasq.controller.nat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * ICMP and checksummed UDP frames for tests, with a checksum routine written independently of
 * the production one (a plain sum of big-endian words) to verify what the engine emits.
 */
final class IcmpFramesForTest {
    private IcmpFramesForTest() {
    }

    /** True when the one's complement sum over the range is 0xffff (a correct stored checksum). */
    static boolean valid(byte[] b, int offset, int length) {
        return fold(wordSum(b, offset, length)) == 0xffff;
    }

    /** Folds carries back into 16 bits (one's complement addition). */
    static int fold(long sum) {
        while (sum > 0xffff) {
            sum = (sum >> 16) + (sum & 0xffff);
        }
        return (int) sum;
    }

    static long wordSum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += (b[offset + i] & 0xff) * 256 + (i + 1 < length ? b[offset + i + 1] & 0xff : 0);
        }
        return sum;
    }

    /** True when the UDP/TCP segment at {@code l4} (length {@code len}) has a correct pseudo-header checksum. */
    static boolean validTransport(byte[] b, int ip, int l4, int len, int proto) {
        return fold(wordSum(b, ip + 12, 8) + proto + len + wordSum(b, l4, len)) == 0xffff;
    }

    static byte[] echo(int type, MacAddress src, MacAddress dst, String from, String to, int id, int seq, int ttl) {
        byte[] icmp = ByteBuffer.allocate(8 + 16).put((byte) type).put((byte) 0).putShort((short) 0)
                .putShort((short) id).putShort((short) seq).put("0123456789abcdef".getBytes()).array();
        fill(icmp, 2, 0, icmp.length);
        return ip(src, dst, from, to, 1, ttl, icmp);
    }

    /** A UDP datagram with a correct checksum. */
    static byte[] udp(MacAddress src, MacAddress dst, String from, int sport, String to, int dport, int ttl) {
        byte[] payload = "payload!".getBytes();
        byte[] udp = ByteBuffer.allocate(8 + payload.length).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
        byte[] frame = ip(src, dst, from, to, 17, ttl, udp);
        fillUdp(frame);
        return frame;
    }

    /** Stores the UDP checksum (pseudo-header included) of an unfragmented frame with a 20-byte IP header. */
    static void fillUdp(byte[] frame) {
        int udpLength = frame.length - 34;
        int c = ~fold(wordSum(frame, 14 + 12, 8) + 17 + udpLength + wordSum(frame, 34, udpLength)) & 0xffff;
        frame[34 + 6] = (byte) (c >> 8);
        frame[34 + 7] = (byte) c;
    }

    /** Recomputes the IPv4 header checksum of a frame with a 20-byte header. */
    static void fillIpHeader(byte[] frame) {
        frame[24] = 0;
        frame[25] = 0;
        fill(frame, 24, 14, 20);
    }

    /** An ICMP error of {@code type}/{@code code} from {@code from} to {@code to} quoting the whole IP datagram of {@code quoted}. */
    static byte[] error(int type, int code, MacAddress src, MacAddress dst, String from, String to, byte[] quoted) {
        byte[] inner = Arrays.copyOfRange(quoted, 14, quoted.length);
        byte[] icmp = ByteBuffer.allocate(8 + inner.length).put((byte) type).put((byte) code).putShort((short) 0)
                .putInt(0).put(inner).array();
        fill(icmp, 2, 0, icmp.length);
        return ip(src, dst, from, to, 1, 64, icmp);
    }

    static byte[] ip(MacAddress src, MacAddress dst, String from, String to, int proto, int ttl, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(34 + l4.length);
        b.put(dst.getBytes()).put(src.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 99)
                .putShort((short) 0).put((byte) ttl).put((byte) proto).putShort((short) 0)
                .putInt(IPv4Address.of(from).getInt()).putInt(IPv4Address.of(to).getInt()).put(l4);
        byte[] frame = b.array();
        fill(frame, 24, 14, 20);
        return frame;
    }

    /** Stores at {@code at} the checksum of {@code len} bytes from {@code from} (the field must be 0). */
    private static void fill(byte[] b, int at, int from, int len) {
        int c = ~fold(wordSum(b, from, len)) & 0xffff;
        b[at] = (byte) (c >> 8);
        b[at + 1] = (byte) c;
    }

    static int u16(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
    }

    static String ip(byte[] b, int offset) {
        return IPv4Address.of(Arrays.copyOfRange(b, offset, offset + 4)).toString();
    }
}
