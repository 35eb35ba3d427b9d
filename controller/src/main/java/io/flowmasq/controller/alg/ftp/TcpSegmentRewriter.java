package io.flowmasq.controller.alg.ftp;

import static io.flowmasq.controller.packet.Checksums.read16;
import static io.flowmasq.controller.packet.Checksums.write16;

import io.flowmasq.controller.packet.Checksums;
import io.flowmasq.controller.packet.PacketParser;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongUnaryOperator;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Builds the frame to send for one TCP segment of an FTP control connection: the received
 * Ethernet/IPv4/TCP frame with new MACs, NAT addresses and ports, sequence and acknowledgement
 * numbers, payload (of any length) and optionally SACK changes. The IPv4 total length, the IPv4
 * header checksum and the TCP checksum are computed afresh (the payload changed: no incremental
 * update). IP options and TCP options are kept byte for byte, except:
 * <ul>
 *   <li>{@link Rewrite#stripSackPermitted()}: a SACK-permitted option (kind 4) becomes two NOPs, so
 *       the connection negotiates no SACK (meant for the control connection's SYN and SYN-ACK);</li>
 *   <li>{@link Rewrite#sackEdges()}: every edge of every SACK option (kind 5) is passed through the
 *       function (normally the other direction's {@link SeqAdjust#adjustSackEdge}).</li>
 * </ul>
 * A TCP option list that does not parse is copied unchanged and reported
 * ({@link Result#optionsMalformed()}); SACK changes are then not made. Ethernet padding after the
 * IPv4 packet is dropped. The input is never written.
 *
 * <p>Rejected with {@link IllegalArgumentException}: anything but an untagged Ethernet/IPv4 TCP
 * frame holding the whole, unfragmented segment (truncated frames, bad header lengths, fragments),
 * a TTL of 0 or 1 when it is to be decremented (the caller answers with ICMP time exceeded), and a
 * payload that would not fit in an IPv4 packet.
 */
public final class TcpSegmentRewriter {
    private static final int IP = PacketParser.ETH_HEADER;
    private static final int TCP_HEADER = 20;
    private static final int EOL = 0;
    private static final int NOP = 1;
    private static final int SACK_PERMITTED = 4;
    private static final int SACK = 5;

    private TcpSegmentRewriter() {
    }

    /**
     * What to change. {@code tcpFlags}: the 9 flag bits (NS..FIN) to write, or -1 to keep them.
     * {@code sackEdges}: null leaves SACK blocks alone. Start from {@link #from(byte[])} to change
     * only some fields.
     */
    public record Rewrite(MacAddress ethSrc, MacAddress ethDst, IPv4Address ipSrc, IPv4Address ipDst, int tcpSrc,
                          int tcpDst, long seq, long ack, byte[] payload, boolean decrementTtl,
                          boolean stripSackPermitted, LongUnaryOperator sackEdges, int tcpFlags) {
        public Rewrite {
            Objects.requireNonNull(ethSrc, "ethSrc");
            Objects.requireNonNull(ethDst, "ethDst");
            Objects.requireNonNull(ipSrc, "ipSrc");
            Objects.requireNonNull(ipDst, "ipDst");
            Objects.requireNonNull(payload, "payload");
            checkPort(tcpSrc);
            checkPort(tcpDst);
            if (tcpFlags < -1 || tcpFlags > 0x1ff) {
                throw new IllegalArgumentException("tcpFlags " + tcpFlags);
            }
            seq = Seq32.norm(seq);
            ack = Seq32.norm(ack);
        }

        /** A builder holding the frame's current values, TTL decrement on, no SACK changes. */
        public static Builder from(byte[] frame) {
            Layout l = Layout.of(frame);
            return new Builder(mac(frame, 6), mac(frame, 0), address(frame, IP + 12), address(frame, IP + 16),
                    read16(frame, l.l4), read16(frame, l.l4 + 2), read32(frame, l.l4 + 4), read32(frame, l.l4 + 8),
                    Arrays.copyOfRange(frame, l.payload, l.end));
        }

        private static void checkPort(int port) {
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port " + port);
            }
        }

        public static final class Builder {
            private MacAddress ethSrc;
            private MacAddress ethDst;
            private IPv4Address ipSrc;
            private IPv4Address ipDst;
            private int tcpSrc;
            private int tcpDst;
            private long seq;
            private long ack;
            private byte[] payload;
            private boolean decrementTtl = true;
            private boolean stripSackPermitted;
            private LongUnaryOperator sackEdges;
            private int tcpFlags = -1;

            private Builder(MacAddress ethSrc, MacAddress ethDst, IPv4Address ipSrc, IPv4Address ipDst, int tcpSrc,
                            int tcpDst, long seq, long ack, byte[] payload) {
                this.ethSrc = ethSrc;
                this.ethDst = ethDst;
                this.ipSrc = ipSrc;
                this.ipDst = ipDst;
                this.tcpSrc = tcpSrc;
                this.tcpDst = tcpDst;
                this.seq = seq;
                this.ack = ack;
                this.payload = payload;
            }

            public Builder ethernet(MacAddress src, MacAddress dst) {
                ethSrc = src;
                ethDst = dst;
                return this;
            }

            public Builder source(IPv4Address address, int port) {
                ipSrc = address;
                tcpSrc = port;
                return this;
            }

            public Builder destination(IPv4Address address, int port) {
                ipDst = address;
                tcpDst = port;
                return this;
            }

            public Builder seq(long value) {
                seq = value;
                return this;
            }

            public Builder ack(long value) {
                ack = value;
                return this;
            }

            public Builder payload(byte[] bytes) {
                payload = bytes;
                return this;
            }

            public Builder decrementTtl(boolean on) {
                decrementTtl = on;
                return this;
            }

            public Builder stripSackPermitted(boolean on) {
                stripSackPermitted = on;
                return this;
            }

            public Builder sackEdges(LongUnaryOperator f) {
                sackEdges = f;
                return this;
            }

            public Builder tcpFlags(int flags) {
                tcpFlags = flags;
                return this;
            }

            public Rewrite build() {
                return new Rewrite(ethSrc, ethDst, ipSrc, ipDst, tcpSrc, tcpDst, seq, ack, payload, decrementTtl,
                        stripSackPermitted, sackEdges, tcpFlags);
            }
        }
    }

    /**
     * The frame to send, and what was done to the options: SACK-permitted options replaced,
     * SACK blocks adjusted, and whether the option list failed to parse (then copied unchanged).
     */
    public record Result(byte[] frame, int sackPermittedStripped, int sackBlocksAdjusted, boolean optionsMalformed) {
    }

    /** The fields of a TCP segment the ALG follows the stream by. {@code flags}: the 9 flag bits (NS..FIN). */
    public record Segment(long seq, long ack, int flags, byte[] payload) {
        public boolean syn() {
            return (flags & 0x002) != 0;
        }

        public boolean fin() {
            return (flags & 0x001) != 0;
        }
    }

    /** Reads a frame's TCP segment, checked as {@link #rewrite} checks it (IllegalArgumentException). */
    public static Segment read(byte[] frame) {
        Layout l = Layout.of(frame);
        int flags = ((frame[l.l4 + 12] & 0x01) << 8) | (frame[l.l4 + 13] & 0xff);
        return new Segment(read32(frame, l.l4 + 4), read32(frame, l.l4 + 8), flags,
                Arrays.copyOfRange(frame, l.payload, l.end));
    }

    public static Result rewrite(byte[] frame, Rewrite r) {
        Layout l = Layout.of(frame);
        int ttl = frame[IP + 8] & 0xff;
        if (r.decrementTtl() && ttl <= 1) {
            throw new IllegalArgumentException("TTL " + ttl + " cannot be decremented: time exceeded");
        }
        int headers = l.payload - IP;
        int total = headers + r.payload().length;
        if (total > 0xffff) {
            throw new IllegalArgumentException("IPv4 packet of " + total + " bytes");
        }
        byte[] out = new byte[IP + total];
        System.arraycopy(frame, 0, out, 0, l.payload);
        System.arraycopy(r.payload(), 0, out, l.payload, r.payload().length);
        System.arraycopy(r.ethDst().getBytes(), 0, out, 0, 6);
        System.arraycopy(r.ethSrc().getBytes(), 0, out, 6, 6);

        write16(out, IP + 2, total);
        if (r.decrementTtl()) {
            out[IP + 8] = (byte) (ttl - 1);
        }
        write32(out, IP + 12, r.ipSrc().getInt());
        write32(out, IP + 16, r.ipDst().getInt());
        write16(out, IP + 10, 0);
        write16(out, IP + 10, Checksums.checksum(out, IP, l.l4 - IP));

        int t = l.l4;
        write16(out, t, r.tcpSrc());
        write16(out, t + 2, r.tcpDst());
        write32(out, t + 4, (int) r.seq());
        write32(out, t + 8, (int) r.ack());
        if (r.tcpFlags() >= 0) {
            out[t + 12] = (byte) ((out[t + 12] & 0xfe) | (r.tcpFlags() >> 8));
            out[t + 13] = (byte) r.tcpFlags();
        }
        int[] counts = new int[2];
        boolean malformed = !options(out, t + TCP_HEADER, l.payload, r, counts);
        write16(out, t + 16, 0);
        write16(out, t + 16, tcpChecksum(out, t, total - (t - IP)));
        return new Result(out, counts[0], counts[1], malformed);
    }

    /**
     * Validates the option list, then strips SACK-permitted and adjusts SACK edges as asked. Returns
     * false, changing nothing, when the list does not parse.
     */
    private static boolean options(byte[] b, int start, int end, Rewrite r, int[] counts) {
        for (int pass = 0; pass < 2; pass++) {
            int i = start;
            while (i < end) {
                int kind = b[i] & 0xff;
                if (kind == EOL) {
                    break;
                }
                if (kind == NOP) {
                    i++;
                    continue;
                }
                int length = i + 1 < end ? b[i + 1] & 0xff : 0;
                if (length < 2 || i + length > end || (kind == SACK_PERMITTED && length != 2)
                        || (kind == SACK && (length < 10 || (length - 2) % 8 != 0))) {
                    return false;
                }
                if (pass == 1 && kind == SACK_PERMITTED && r.stripSackPermitted()) {
                    b[i] = NOP;
                    b[i + 1] = NOP;
                    counts[0]++;
                } else if (pass == 1 && kind == SACK && r.sackEdges() != null) {
                    for (int e = i + 2; e < i + length; e += 4) {
                        write32(b, e, (int) Seq32.norm(r.sackEdges().applyAsLong(read32(b, e))));
                    }
                    counts[1] += (length - 2) / 8;
                }
                i += length;
            }
        }
        return true;
    }

    private static int tcpChecksum(byte[] b, int l4, int length) {
        byte[] pseudo = new byte[12];
        System.arraycopy(b, IP + 12, pseudo, 0, 8);
        pseudo[9] = 6;
        write16(pseudo, 10, length);
        long sum = (long) Checksums.sum(pseudo, 0, 12) + Checksums.sum(b, l4, length);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** Offsets of a frame that passed the checks. */
    private record Layout(int l4, int payload, int end) {
        static Layout of(byte[] frame) {
            Objects.requireNonNull(frame, "frame");
            if (frame.length < IP + 20) {
                throw new IllegalArgumentException("truncated: frame of " + frame.length + " bytes");
            }
            if (read16(frame, 12) != PacketParser.ETHERTYPE_IPV4) {
                throw new IllegalArgumentException(String.format("not IPv4: ethertype 0x%04x", read16(frame, 12)));
            }
            int versionIhl = frame[IP] & 0xff;
            int ihl = (versionIhl & 0x0f) * 4;
            int total = read16(frame, IP + 2);
            if (versionIhl >> 4 != 4 || ihl < 20) {
                throw new IllegalArgumentException("bad IPv4 header: version/IHL 0x" + Integer.toHexString(versionIhl));
            }
            if ((frame[IP + 9] & 0xff) != 6) {
                throw new IllegalArgumentException("not TCP: protocol " + (frame[IP + 9] & 0xff));
            }
            if ((read16(frame, IP + 6) & 0x3fff) != 0) {
                throw new IllegalArgumentException("IPv4 fragment");
            }
            if (total < ihl + TCP_HEADER || IP + total > frame.length) {
                throw new IllegalArgumentException("truncated: IPv4 total length " + total + " in a frame of "
                        + frame.length + " bytes, IHL " + ihl);
            }
            int l4 = IP + ihl;
            int dataOffset = ((frame[l4 + 12] >> 4) & 0x0f) * 4;
            if (dataOffset < TCP_HEADER || l4 + dataOffset > IP + total) {
                throw new IllegalArgumentException("bad TCP data offset " + dataOffset);
            }
            return new Layout(l4, l4 + dataOffset, IP + total);
        }
    }

    private static MacAddress mac(byte[] b, int at) {
        return MacAddress.of(Arrays.copyOfRange(b, at, at + 6));
    }

    private static IPv4Address address(byte[] b, int at) {
        return IPv4Address.of((int) read32(b, at));
    }

    private static long read32(byte[] b, int at) {
        return ((long) read16(b, at) << 16) | read16(b, at + 2);
    }

    private static void write32(byte[] b, int at, int v) {
        write16(b, at, v >>> 16);
        write16(b, at + 2, v & 0xffff);
    }
}
