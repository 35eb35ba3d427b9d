package io.flowmasq.controller.openflow;

import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The channel to one switch after the handshake, as the rest of the controller sees it.
 * Writes never block: they are queued on the channel's event loop.
 */
public interface SwitchConnection {
    DatapathId dpid();

    /** The factory of the negotiated OpenFlow version; use it for every message to this switch. */
    OFFactory factory();

    SocketAddress remoteAddress();

    Instant connectedSince();

    void send(OFMessage message);

    /** Writes all messages and flushes once. */
    void send(List<OFMessage> messages);

    /** Runs a task on this connection's event loop (the thread all its callbacks run on). */
    void execute(Runnable task);

    void close(String reason);
}
