package io.flowmasq.controller.alg.ftp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Ethernet/IPv4/TCP frames for the tests (these and the engine's {@code FtpAlg*Test}), and readers and
 * checksum checks written apart from the production code (RFC 1071 sum with an end-around carry after
 * every word; no production helper).
 */
public final class TcpFrames {
    public static final int IP = 14;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    public static final MacAddress CLIENT_MAC = MacAddress.of("00:00:00:00:00:11");
    public static final MacAddress GATEWAY_IN = MacAddress.of("02:f1:00:00:00:01");
    public static final MacAddress GATEWAY_OUT = MacAddress.of("02:f1:00:00:00:02");
    public static final MacAddress ROUTER_MAC = MacAddress.of("00:00:00:00:00:fe");

    private TcpFrames() {
    }

    /** What a frame is made of. */
    public record Spec(MacAddress ethSrc, MacAddress ethDst, String src, int sport, String dst, int dport, int ttl,
                byte[] ipOptions, long seq, long ack, int flags, byte[] tcpOptions, byte[] payload) {
        public static Spec of(String src, int sport, String dst, int dport) {
            return new Spec(CLIENT_MAC, GATEWAY_IN, src, sport, dst, dport, 64, new byte[0], 1000, 2000,
                    ACK | PSH, new byte[0], new byte[0]);
        }

        public Spec seq(long v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, ttl, ipOptions, v, ack, flags, tcpOptions, payload);
        }

        public Spec ack(long v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, ttl, ipOptions, seq, v, flags, tcpOptions, payload);
        }

        public Spec flags(int v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, ttl, ipOptions, seq, ack, v, tcpOptions, payload);
        }

        public Spec ttl(int v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, v, ipOptions, seq, ack, flags, tcpOptions, payload);
        }

        public Spec ipOptions(byte[] v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, ttl, v, seq, ack, flags, tcpOptions, payload);
        }

        public Spec tcpOptions(byte[] v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, ttl, ipOptions, seq, ack, flags, v, payload);
        }

        public Spec payload(byte[] v) {
            return new Spec(ethSrc, ethDst, src, sport, dst, dport, ttl, ipOptions, seq, ack, flags, tcpOptions, v);
        }

        public Spec payload(String v) {
            return payload(v.getBytes(StandardCharsets.ISO_8859_1));
        }

        public byte[] frame() {
            return build(this);
        }
    }

    public static byte[] build(Spec s) {
        if (s.ipOptions.length % 4 != 0 || s.tcpOptions.length % 4 != 0) {
            throw new IllegalArgumentException("options must be padded to 4 bytes");
        }
        int ihl = 20 + s.ipOptions.length;
        int doff = 20 + s.tcpOptions.length;
        int total = ihl + doff + s.payload.length;
        ByteBuffer b = ByteBuffer.allocate(IP + total);
        b.put(s.ethDst.getBytes()).put(s.ethSrc.getBytes()).putShort((short) 0x0800);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) total).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) s.ttl).put((byte) 6).putShort((short) 0)
                .putInt(IPv4Address.of(s.src).getInt()).putInt(IPv4Address.of(s.dst).getInt()).put(s.ipOptions);
        b.putShort((short) s.sport).putShort((short) s.dport).putInt((int) s.seq).putInt((int) s.ack)
                .put((byte) ((doff / 4) << 4 | (s.flags >> 8 & 1))).put((byte) s.flags).putShort((short) 29200)
                .putShort((short) 0).putShort((short) 0).put(s.tcpOptions).put(s.payload);
        byte[] f = b.array();
        put16(f, IP + 10, ipChecksum(f));
        put16(f, IP + ihl + 16, tcpChecksum(f));
        return f;
    }

    // ---- independent checksums ----------------------------------------------------------------

    /** RFC 1071: 16-bit one's complement sum, carry folded back after every addition. */
    public static int onesSum(int start, byte[] b, int offset, int length) {
        int sum = start;
        for (int i = 0; i < length; i += 2) {
            int hi = b[offset + i] & 0xff;
            int lo = i + 1 < length ? b[offset + i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
            if (sum > 0xffff) {
                sum = (sum & 0xffff) + 1;
            }
        }
        return sum;
    }

    public static int ipChecksum(byte[] f) {
        byte[] h = Arrays.copyOfRange(f, IP, IP + ihl(f));
        h[10] = 0;
        h[11] = 0;
        return ~onesSum(0, h, 0, h.length) & 0xffff;
    }

    public static int tcpChecksum(byte[] f) {
        int l4 = IP + ihl(f);
        int len = totalLength(f) - ihl(f);
        byte[] seg = Arrays.copyOfRange(f, l4, l4 + len);
        seg[16] = 0;
        seg[17] = 0;
        byte[] pseudo = ByteBuffer.allocate(12).put(f, IP + 12, 8).put((byte) 0).put((byte) 6)
                .putShort((short) len).array();
        return ~onesSum(onesSum(0, pseudo, 0, 12), seg, 0, seg.length) & 0xffff;
    }

    public static boolean ipChecksumValid(byte[] f) {
        return get16(f, IP + 10) == ipChecksum(f);
    }

    public static boolean tcpChecksumValid(byte[] f) {
        return get16(f, IP + ihl(f) + 16) == tcpChecksum(f);
    }

    // ---- readers ------------------------------------------------------------------------------

    public static int ihl(byte[] f) {
        return (f[IP] & 0x0f) * 4;
    }

    public static int totalLength(byte[] f) {
        return get16(f, IP + 2);
    }

    public static int ttl(byte[] f) {
        return f[IP + 8] & 0xff;
    }

    public static int ipId(byte[] f) {
        return get16(f, IP + 4);
    }

    public static IPv4Address src(byte[] f) {
        return IPv4Address.of(ByteBuffer.wrap(f).getInt(IP + 12));
    }

    public static IPv4Address dst(byte[] f) {
        return IPv4Address.of(ByteBuffer.wrap(f).getInt(IP + 16));
    }

    public static MacAddress ethSrc(byte[] f) {
        return MacAddress.of(Arrays.copyOfRange(f, 6, 12));
    }

    public static MacAddress ethDst(byte[] f) {
        return MacAddress.of(Arrays.copyOfRange(f, 0, 6));
    }

    public static byte[] ipOptions(byte[] f) {
        return Arrays.copyOfRange(f, IP + 20, IP + ihl(f));
    }

    public static int l4(byte[] f) {
        return IP + ihl(f);
    }

    public static int sport(byte[] f) {
        return get16(f, l4(f));
    }

    public static int dport(byte[] f) {
        return get16(f, l4(f) + 2);
    }

    public static long seq(byte[] f) {
        return ByteBuffer.wrap(f).getInt(l4(f) + 4) & 0xffff_ffffL;
    }

    public static long ack(byte[] f) {
        return ByteBuffer.wrap(f).getInt(l4(f) + 8) & 0xffff_ffffL;
    }

    public static int flags(byte[] f) {
        return (f[l4(f) + 12] & 1) << 8 | f[l4(f) + 13] & 0xff;
    }

    public static int dataOffset(byte[] f) {
        return (f[l4(f) + 12] >> 4 & 0x0f) * 4;
    }

    public static byte[] tcpOptions(byte[] f) {
        return Arrays.copyOfRange(f, l4(f) + 20, l4(f) + dataOffset(f));
    }

    public static byte[] payload(byte[] f) {
        return Arrays.copyOfRange(f, l4(f) + dataOffset(f), IP + totalLength(f));
    }

    public static String payloadText(byte[] f) {
        return new String(payload(f), StandardCharsets.ISO_8859_1);
    }

    public static int get16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    public static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    public static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
