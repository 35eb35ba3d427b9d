package io.flowmasq.bench.loadgen;

/**
 * The frames an emulated switch puts in its packet-ins: first packets of new TCP (SYN) and UDP flows,
 * with valid IPv4 and TCP/UDP checksums, and the next hop's ARP reply. Each frame carries a 32-bit tag
 * the controller's packet-out gives back untouched (the TCP sequence number; the first four bytes of the
 * UDP payload): NAT rewrites addresses and ports, never these, so the answer is matched to its
 * packet-in even when it carries the rewritten packet.
 */
public final class FirstPackets {
    public static final int ETH_HEADER = 14;
    public static final int IP_HEADER = 20;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    /** SYN with an MSS option (4 bytes), as a real stack sends it. */
    static final int TCP_SYN_LENGTH = 24;
    static final int UDP_PAYLOAD = 16;

    private FirstPackets() {
    }

    /** A TCP SYN from {@code src}:{@code srcPort} to {@code dst}:{@code dstPort}; {@code tag} is its sequence number. */
    public static byte[] tcpSyn(byte[] ethSrc, byte[] ethDst, int src, int srcPort, int dst, int dstPort, int tag) {
        byte[] f = new byte[ETH_HEADER + IP_HEADER + TCP_SYN_LENGTH];
        int l4 = ipv4(f, ethSrc, ethDst, src, dst, PROTO_TCP, TCP_SYN_LENGTH, tag);
        put16(f, l4, srcPort);
        put16(f, l4 + 2, dstPort);
        put32(f, l4 + 4, tag);            // sequence number
        put32(f, l4 + 8, 0);              // acknowledgement
        f[l4 + 12] = (byte) (6 << 4);     // data offset: 6 words
        f[l4 + 13] = 0x02;                // SYN
        put16(f, l4 + 14, 64240);         // window
        f[l4 + 20] = 2;                   // MSS option
        f[l4 + 21] = 4;
        put16(f, l4 + 22, 1460);
        put16(f, l4 + 16, transportChecksum(f, l4, TCP_SYN_LENGTH, PROTO_TCP, src, dst));
        return f;
    }

    /** A UDP datagram whose payload starts with {@code tag}. */
    public static byte[] udp(byte[] ethSrc, byte[] ethDst, int src, int srcPort, int dst, int dstPort, int tag) {
        int length = 8 + UDP_PAYLOAD;
        byte[] f = new byte[ETH_HEADER + IP_HEADER + length];
        int l4 = ipv4(f, ethSrc, ethDst, src, dst, PROTO_UDP, length, tag);
        put16(f, l4, srcPort);
        put16(f, l4 + 2, dstPort);
        put16(f, l4 + 4, length);
        put32(f, l4 + 8, tag);
        int sum = transportChecksum(f, l4, length, PROTO_UDP, src, dst);
        put16(f, l4 + 6, sum == 0 ? 0xffff : sum); // 0 means "no checksum" in UDP
        return f;
    }

    /** ARP reply from {@code senderIp}/{@code senderMac} to {@code targetIp}/{@code targetMac}. */
    public static byte[] arpReply(byte[] senderMac, int senderIp, byte[] targetMac, int targetIp) {
        byte[] f = new byte[42];
        System.arraycopy(targetMac, 0, f, 0, 6);
        System.arraycopy(senderMac, 0, f, 6, 6);
        put16(f, 12, 0x0806);
        put16(f, 14, 1);        // Ethernet
        put16(f, 16, 0x0800);   // IPv4
        f[18] = 6;
        f[19] = 4;
        put16(f, 20, 2);        // reply
        System.arraycopy(senderMac, 0, f, 22, 6);
        put32(f, 28, senderIp);
        System.arraycopy(targetMac, 0, f, 32, 6);
        put32(f, 38, targetIp);
        return f;
    }

    /**
     * The tag of a TCP or UDP frame (see the class comment), or -1 when the frame is not IPv4 TCP/UDP
     * with its first transport bytes present. Returned as a long so that every int tag is valid.
     */
    public static long tagOf(byte[] f, int offset, int length) {
        if (length < ETH_HEADER + IP_HEADER + 12 || get16(f, offset + 12) != 0x0800) {
            return -1;
        }
        int ip = offset + ETH_HEADER;
        int ihl = (f[ip] & 0x0f) * 4;
        int l4 = ip + ihl;
        int protocol = f[ip + 9] & 0xff;
        if (l4 + 12 > offset + length) {
            return -1;
        }
        if (protocol == PROTO_TCP) {
            return get32(f, l4 + 4) & 0xffffffffL;
        }
        if (protocol == PROTO_UDP) {
            return get32(f, l4 + 8) & 0xffffffffL;
        }
        return -1;
    }

    /** Whether the frame is an ARP request for {@code targetIp}. */
    public static boolean isArpRequestFor(byte[] f, int offset, int length, int targetIp) {
        return length >= 42 && get16(f, offset + 12) == 0x0806 && get16(f, offset + 20) == 1
                && get32(f, offset + 38) == targetIp;
    }

    /** RFC 1071 checksum of {@code length} bytes (the checksum field must hold zero or be skipped). */
    public static int checksum(byte[] b, int offset, int length, long initial) {
        long sum = initial;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The pseudo-header sum of TCP/UDP over IPv4, unfolded. */
    static long pseudoHeader(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
    }

    private static int transportChecksum(byte[] f, int l4, int length, int protocol, int src, int dst) {
        return checksum(f, l4, length, pseudoHeader(src, dst, protocol, length));
    }

    /** Writes Ethernet and IPv4 headers; returns the offset of the transport header. */
    private static int ipv4(byte[] f, byte[] ethSrc, byte[] ethDst, int src, int dst, int protocol, int l4Length,
                            int tag) {
        System.arraycopy(ethDst, 0, f, 0, 6);
        System.arraycopy(ethSrc, 0, f, 6, 6);
        put16(f, 12, 0x0800);
        int ip = ETH_HEADER;
        f[ip] = 0x45;
        put16(f, ip + 2, IP_HEADER + l4Length);
        put16(f, ip + 4, tag & 0xffff);   // identification
        put16(f, ip + 6, 0x4000);         // DF
        f[ip + 8] = 64;
        f[ip + 9] = (byte) protocol;
        put32(f, ip + 12, src);
        put32(f, ip + 16, dst);
        put16(f, ip + 10, checksum(f, ip, IP_HEADER, 0));
        return ip + IP_HEADER;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static int get32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
