package io.flowmasq.controller.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Well-formed Ethernet frames of every kind the NAT handles, from inside or outside, with correct
 * checksums: TCP (SYN/ACK/FIN/RST, with options, FTP control text on port 21), UDP, ICMP echo both
 * ways, ICMP errors quoting TCP/UDP/ICMP datagrams, IPv4 fragments, ARP, TTL 1. Ports come from small
 * sets so that later frames hit the bindings earlier ones made. The mutator breaks them afterwards.
 */
public final class FuzzFrames {
    /** A frame and the switch port it arrives on. */
    public record Frame(byte[] bytes, int inPort) {
    }

    private static final int[] REMOTE_PORTS = {21, 53, 80, 443, 5000};
    private static final String[] FTP_LINES = {
        "PORT 10,0,0,11,156,64\r\n", "EPRT |1|10.0.0.12|40001|\r\n", "PASV\r\n", "EPSV\r\n",
        "227 Entering Passive Mode (198,51,100,20,19,137)\r\n", "229 Entering Extended Passive Mode (|||5001|)\r\n",
        "USER anonymous\r\n", "PORT 999,1,1,1,1,1\r\n", "PORT 10,0,0,11,1\r\n", "227 (1,2,3,4,5,6,7)\r\n",
    };

    private final FuzzNetwork net;

    public FuzzFrames(FuzzNetwork net) {
        this.net = net;
    }

    public Frame next(Random r) {
        boolean inside = r.nextInt(3) != 0;
        int kind = r.nextInt(16);
        return switch (kind) {
            case 0, 1, 2 -> tcp(r, inside, pick(r, 0x02, 0x12, 0x10, 0x11, 0x04, 0x14, 0x18, 0x01));
            case 3 -> ftp(r, inside);
            case 4, 5, 6 -> udp(r, inside);
            case 7, 8 -> echo(r, inside);
            case 9, 10 -> icmpError(r, inside);
            case 11, 12 -> fragment(r, inside);
            case 13 -> arp(r, inside);
            case 14 -> ttlOne(r);
            default -> toGateway(r, inside);
        };
    }

    private Frame tcp(Random r, boolean inside, int flags) {
        byte[] options = (flags & 0x02) != 0 ? synOptions(r) : new byte[r.nextBoolean() ? 0 : 12];
        byte[] payload = (flags & 0x08) != 0 ? randomBytes(r, r.nextInt(64)) : new byte[0];
        return l4(r, inside, 6, tcpSegment(r, inside ? hostPort(r) : remotePort(r),
                inside ? remotePort(r) : hostPort(r), flags, options, payload));
    }

    private Frame ftp(Random r, boolean inside) {
        byte[] payload = FTP_LINES[r.nextInt(FTP_LINES.length)].getBytes(StandardCharsets.US_ASCII);
        int host = hostPort(r);
        byte[] segment = inside ? tcpSegment(r, host, 21, 0x18, new byte[0], payload)
                : tcpSegment(r, 21, host, 0x18, new byte[0], payload);
        return l4(r, inside, 6, segment);
    }

    private Frame udp(Random r, boolean inside) {
        byte[] payload = randomBytes(r, r.nextInt(32));
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) (inside ? hostPort(r) : remotePort(r))).putShort((short) (inside ? remotePort(r) : hostPort(r)))
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return l4(r, inside, 17, b.array());
    }

    private Frame echo(Random r, boolean inside) {
        int type = r.nextInt(4) == 0 ? (inside ? 0 : 8) : (inside ? 8 : 0);
        return l4(r, inside, 1, icmp(type, 0, ByteBuffer.allocate(4 + 8).putShort((short) hostPort(r))
                .putShort((short) r.nextInt(65536)).put(randomBytes(r, 8)).array()));
    }

    /** An error about a datagram that went the other way: outside errors quote what the NAT sent out. */
    private Frame icmpError(Random r, boolean inside) {
        IPv4Address host = host(r);
        IPv4Address remote = remote(r);
        int protocol = pick(r, 6, 17, 1);
        byte[] inner = switch (protocol) {
            case 6 -> tcpSegment(r, inside ? remotePort(r) : hostPort(r), inside ? hostPort(r) : remotePort(r), 0x12,
                    new byte[0], new byte[0]);
            case 17 -> ByteBuffer.allocate(8).putShort((short) hostPort(r)).putShort((short) remotePort(r))
                    .putShort((short) 8).putShort((short) 0).array();
            default -> icmp(8, 0, ByteBuffer.allocate(4).putShort((short) hostPort(r)).putShort((short) 1).array());
        };
        byte[] quoted = inside ? ipHeader(r, remote, host, protocol, 64, 0, inner)
                : ipHeader(r, net.publicAddress(), remote, protocol, 64, 0, inner);
        int keep = r.nextInt(4) == 0 ? 28 : quoted.length; // RFC 792 routers quote 8 bytes of L4 only
        quoted = Arrays.copyOf(quoted, Math.min(keep, quoted.length));
        int type = pick(r, 3, 11, 12);
        byte[] body = ByteBuffer.allocate(4 + quoted.length).putInt(type == 3 ? 1400 : 0).put(quoted).array();
        return l4(r, inside, 1, icmp(type, r.nextInt(5), body));
    }

    private Frame fragment(Random r, boolean inside) {
        int protocol = pick(r, 17, 6, 1);
        byte[] l4 = switch (protocol) {
            case 17 -> ByteBuffer.allocate(8 + 40).putShort((short) (inside ? hostPort(r) : remotePort(r)))
                    .putShort((short) (inside ? remotePort(r) : hostPort(r))).putShort((short) 1400)
                    .putShort((short) 0x1234).array();
            case 6 -> tcpSegment(r, hostPort(r), remotePort(r), 0x18, new byte[0], randomBytes(r, 40));
            default -> icmp(inside ? 8 : 0, 0, ByteBuffer.allocate(44).putShort((short) hostPort(r)).array());
        };
        boolean first = r.nextBoolean();
        int flagsOffset = first ? 0x2000 : (r.nextBoolean() ? 0x2000 : 0) | (1 + r.nextInt(200));
        IPv4Address src = inside ? host(r) : remote(r);
        IPv4Address dst = inside ? remote(r) : net.publicAddress();
        byte[] ip = ipHeader(r, src, dst, protocol, 64, flagsOffset, first ? l4 : Arrays.copyOf(l4, 16));
        return frame(r, inside, ip);
    }

    private Frame arp(Random r, boolean inside) {
        IPv4Address sender = inside ? host(r) : net.nextHop();
        IPv4Address target = inside ? (r.nextBoolean() ? net.gateway() : host(r)) : net.publicAddress();
        MacAddress senderMac = inside ? FuzzNetwork.hostMac(sender) : net.nextHopMac();
        int opcode = r.nextBoolean() ? 1 : 2;
        ByteBuffer b = ByteBuffer.allocate(14 + 28);
        b.put(MacAddress.BROADCAST.getBytes()).put(senderMac.getBytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) opcode)
                .put(senderMac.getBytes()).putInt(sender.getInt())
                .put(opcode == 2 ? (inside ? net.gatewayInsideMac() : net.gatewayOutsideMac()).getBytes() : new byte[6])
                .putInt(target.getInt());
        return new Frame(b.array(), inside ? insidePort(r) : net.outsidePort());
    }

    private Frame ttlOne(Random r) {
        byte[] udp = ByteBuffer.allocate(8).putShort((short) hostPort(r)).putShort((short) 33434)
                .putShort((short) 8).putShort((short) 0).array();
        byte[] ip = ipHeader(r, host(r), remote(r), r.nextBoolean() ? 17 : 1, 1, 0,
                r.nextBoolean() ? udp : icmp(8, 0, new byte[4]));
        return frame(r, true, ip);
    }

    private Frame toGateway(Random r, boolean inside) {
        IPv4Address dst = inside ? (r.nextBoolean() ? net.gateway() : net.publicAddress()) : net.publicAddress();
        IPv4Address src = inside ? host(r) : remote(r);
        int protocol = pick(r, 1, 6, 17);
        byte[] l4 = protocol == 1 ? icmp(8, 0, new byte[12])
                : protocol == 6 ? tcpSegment(r, remotePort(r), hostPort(r), 0x02, synOptions(r), new byte[0])
                : ByteBuffer.allocate(8).putShort((short) 5000).putShort((short) hostPort(r)).putShort((short) 8)
                        .putShort((short) 0).array();
        return frame(r, inside, ipHeader(r, src, dst, protocol, 64, 0, l4));
    }

    // --- building blocks ---

    private Frame l4(Random r, boolean inside, int protocol, byte[] l4) {
        IPv4Address src = inside ? host(r) : remote(r);
        IPv4Address dst = inside ? remote(r) : net.publicAddress();
        return frame(r, inside, ipHeader(r, src, dst, protocol, 64, 0x4000, l4));
    }

    private Frame frame(Random r, boolean inside, byte[] ipDatagram) {
        IPv4Address src = IPv4Address.of(Arrays.copyOfRange(ipDatagram, 12, 16));
        MacAddress srcMac = inside ? FuzzNetwork.hostMac(src) : net.nextHopMac();
        MacAddress dstMac = inside ? net.gatewayInsideMac() : net.gatewayOutsideMac();
        int pad = r.nextInt(8) == 0 ? r.nextInt(20) : 0; // Ethernet padding past the IP total length
        ByteBuffer b = ByteBuffer.allocate(14 + ipDatagram.length + pad);
        b.put(dstMac.getBytes()).put(srcMac.getBytes()).putShort((short) 0x0800).put(ipDatagram);
        return new Frame(b.array(), inside ? insidePort(r) : net.outsidePort());
    }

    /** An IPv4 datagram (header of 20 bytes, sometimes with options) with its L4 checksum filled in. */
    static byte[] ipHeader(Random r, IPv4Address src, IPv4Address dst, int protocol, int ttl, int flagsOffset,
                           byte[] l4) {
        int ihl = r.nextInt(10) == 0 ? 24 : 20;
        ByteBuffer b = ByteBuffer.allocate(ihl + l4.length);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + l4.length))
                .putShort((short) r.nextInt(65536)).putShort((short) flagsOffset).put((byte) ttl).put((byte) protocol)
                .putShort((short) 0).putInt(src.getInt()).putInt(dst.getInt());
        if (ihl == 24) {
            b.put((byte) 1).put((byte) 1).put((byte) 1).put((byte) 0); // NOPs and EOL
        }
        byte[] d = b.put(l4).array();
        store(d, 10, checksum(d, 0, ihl, 0));
        if ((flagsOffset & 0x1fff) == 0 && (flagsOffset & 0x2000) == 0) {
            fillL4Checksum(d, ihl, protocol);
        }
        return d;
    }

    private static void fillL4Checksum(byte[] d, int ihl, int protocol) {
        int len = d.length - ihl;
        int at = protocol == 6 ? 16 : protocol == 17 ? 6 : protocol == 1 ? 2 : -1;
        if (at < 0 || len < at + 2) {
            return;
        }
        store(d, ihl + at, 0);
        long pseudo = protocol == 1 ? 0 : wordSum(d, 12, 8) + protocol + len;
        store(d, ihl + at, checksum(d, ihl, len, pseudo));
    }

    static byte[] tcpSegment(Random r, int sport, int dport, int flags, byte[] options, byte[] payload) {
        int header = 20 + options.length;
        return ByteBuffer.allocate(header + payload.length).putShort((short) sport).putShort((short) dport)
                .putInt(r.nextInt()).putInt((flags & 0x10) != 0 ? r.nextInt() : 0).put((byte) (header / 4 << 4))
                .put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0).put(options)
                .put(payload).array();
    }

    private static byte[] synOptions(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new byte[0];
            case 1 -> new byte[] {2, 4, 0x05, (byte) 0xb4};
            case 2 -> new byte[] {2, 4, (byte) 0xff, (byte) 0xd7, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
            default -> new byte[] {1, 1, 2, 4, 0x23, 0x28, 2, 4, 0x05, (byte) 0xdc, 0, 0};
        };
    }

    static byte[] icmp(int type, int code, byte[] rest) {
        byte[] m = ByteBuffer.allocate(4 + rest.length).put((byte) type).put((byte) code).putShort((short) 0)
                .put(rest).array();
        store(m, 2, checksum(m, 0, m.length, 0));
        return m;
    }

    private int hostPort(Random r) {
        return 40000 + r.nextInt(16);
    }

    private static int remotePort(Random r) {
        return REMOTE_PORTS[r.nextInt(REMOTE_PORTS.length)];
    }

    private IPv4Address host(Random r) {
        return net.insideHost(r.nextInt(net.insideHosts()));
    }

    private IPv4Address remote(Random r) {
        return net.remotes().get(r.nextInt(net.remotes().size()));
    }

    private int insidePort(Random r) {
        return net.insidePorts().get(r.nextInt(net.insidePorts().size()));
    }

    private static int pick(Random r, int... choices) {
        return choices[r.nextInt(choices.length)];
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static long wordSum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += (b[offset + i] & 0xff) * 256 + (i + 1 < length ? b[offset + i + 1] & 0xff : 0);
        }
        return sum;
    }

    static int checksum(byte[] b, int offset, int length, long extra) {
        long sum = wordSum(b, offset, length) + extra;
        while (sum > 0xffff) {
            sum = (sum >> 16) + (sum & 0xffff);
        }
        return ~(int) sum & 0xffff;
    }

    static void store(byte[] b, int at, int value) {
        b[at] = (byte) (value >> 8);
        b[at + 1] = (byte) value;
    }
}
