package io.flowmasq.controller.session;

import io.flowmasq.controller.openflow.SwitchConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/** A switch connection without a socket: records what is sent, runs tasks at once. */
final class FakeSwitchConnection implements SwitchConnection {
    static final Instant SINCE = Instant.parse("2026-11-25T12:00:00Z");

    private final DatapathId dpid;
    private final OFFactory factory;
    private final SocketAddress remote;
    final List<OFMessage> sent = new ArrayList<>();
    final List<String> closed = new ArrayList<>();

    FakeSwitchConnection(DatapathId dpid, OFVersion version) {
        this.dpid = dpid;
        this.factory = OFFactories.getFactory(version);
        try {
            this.remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2,
                    (byte) dpid.getLong()}), 40000);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The messages sent since the last {@code take}, which forgets them. */
    List<OFMessage> take() {
        List<OFMessage> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    @Override
    public DatapathId dpid() {
        return dpid;
    }

    @Override
    public OFFactory factory() {
        return factory;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Instant connectedSince() {
        return SINCE;
    }

    @Override
    public void send(OFMessage message) {
        sent.add(message);
    }

    @Override
    public void send(List<OFMessage> messages) {
        sent.addAll(messages);
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void close(String reason) {
        closed.add(reason);
    }
}
