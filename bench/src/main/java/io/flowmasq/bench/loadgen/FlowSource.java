package io.flowmasq.bench.loadgen;

/**
 * The k-th new flow of one emulated switch: a distinct (protocol, inside address, inside port) for
 * every k below {@link #capacity()}, spread over {@code hosts} inside hosts in 10.1.0.0/16 (inside
 * prefix 10.0.0.0/8), towards 198.51.100.0/24. Flows alternate TCP SYN and UDP unless one protocol is
 * chosen. Hosts change fastest, so consecutive flows come from different hosts and the inside ports
 * of one host are used in order from 1024.
 */
public final class FlowSource {
    public static final int FIRST_PORT = 1024;
    public static final int PORTS = 65536 - FIRST_PORT;
    static final int INSIDE_BASE = (10 << 24) | (1 << 16);          // 10.1.0.0
    static final int REMOTE_BASE = (198 << 24) | (51 << 16) | (100 << 8);

    /** Which first packets to send. */
    public enum Mix {
        TCP, UDP, MIXED
    }

    private final int hosts;
    private final Mix mix;
    private final byte[] gatewayMac;

    public FlowSource(int hosts, Mix mix, byte[] gatewayMac) {
        if (hosts < 1 || hosts > 65534) {
            throw new IllegalArgumentException("hosts must be 1..65534: " + hosts);
        }
        this.hosts = hosts;
        this.mix = mix;
        this.gatewayMac = gatewayMac.clone();
    }

    /** How many distinct flows there are (TCP and UDP tuples are distinct bindings). */
    public long capacity() {
        return (long) hosts * PORTS * (mix == Mix.MIXED ? 2 : 1);
    }

    public int protocol(long k) {
        return switch (mix) {
            case TCP -> FirstPackets.PROTO_TCP;
            case UDP -> FirstPackets.PROTO_UDP;
            case MIXED -> (k & 1) == 0 ? FirstPackets.PROTO_TCP : FirstPackets.PROTO_UDP;
        };
    }

    private long tupleIndex(long k) {
        return mix == Mix.MIXED ? k >>> 1 : k;
    }

    public int insideAddress(long k) {
        return INSIDE_BASE + 1 + (int) (tupleIndex(k) % hosts);
    }

    public int insidePort(long k) {
        return FIRST_PORT + (int) ((tupleIndex(k) / hosts) % PORTS);
    }

    public int remoteAddress(long k) {
        return REMOTE_BASE + 1 + (int) (k % 250);
    }

    public static byte[] hostMac(int address) {
        return new byte[] {0x02, 0x00, (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8),
                (byte) address};
    }

    /** The first packet of flow {@code k}, tagged with {@code tag}. */
    public byte[] frame(long k, int tag) {
        if (k < 0 || k >= capacity()) {
            throw new IllegalArgumentException("flow " + k + " beyond the " + capacity() + " distinct flows");
        }
        int src = insideAddress(k);
        byte[] mac = hostMac(src);
        return protocol(k) == FirstPackets.PROTO_TCP
                ? FirstPackets.tcpSyn(mac, gatewayMac, src, insidePort(k), remoteAddress(k), 443, tag)
                : FirstPackets.udp(mac, gatewayMac, src, insidePort(k), remoteAddress(k), 53, tag);
    }
}
