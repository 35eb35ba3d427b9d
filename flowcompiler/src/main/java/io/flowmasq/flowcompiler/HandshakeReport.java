package io.flowmasq.flowcompiler;

/**
 * Which of a TRANSITORY TCP binding's directions carries the answer to its first SYN, and so its handshake
 * report flow ({@link FlowCompiler#installBinding(BindingSpec, HandshakeReport)}): the SYN-ACK comes from
 * whoever did not open the connection.
 */
public enum HandshakeReport {
    /** No report: the binding is not TRANSITORY (or the switch cannot match TCP flags). */
    NONE,
    /** An inside host opened (NAPT): the peer's SYN-ACK comes in on the outside port. */
    INBOUND,
    /** An outside peer opened (a virtual server's client, an FTP data connection): the inside host's SYN-ACK goes out. */
    OUTBOUND
}
