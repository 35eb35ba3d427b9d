package io.flowmasq.flowcompiler;

/** TCP header flag bits (RFC 9293 §3.1), as the OVS tcp_flags match field and packet parsers see them. */
public final class TcpFlags {
    public static final int FIN = 0x001;
    public static final int SYN = 0x002;
    public static final int RST = 0x004;
    public static final int ACK = 0x010;

    private TcpFlags() {
    }

    /** FIN or RST: the segment starts or ends the closing of a connection (RFC 5382 REQ-5 transitory state). */
    public static boolean closes(int flags) {
        return (flags & (FIN | RST)) != 0;
    }
}
