package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link SwitchConnection} over a Netty channel whose pipeline ends in the OpenFlow encoder. */
final class NettySwitchConnection implements SwitchConnection {
    private static final Logger log = LoggerFactory.getLogger(NettySwitchConnection.class);

    private final Channel channel;
    private final DatapathId dpid;
    private final OFFactory factory;
    private final Instant connectedSince;
    private final ChannelFutureListener logFailure;
    private final OpenFlowCounters counters;

    NettySwitchConnection(Channel channel, DatapathId dpid, OFFactory factory, Instant connectedSince,
                          OpenFlowCounters counters) {
        this.counters = requireNonNull(counters, "counters");
        this.channel = requireNonNull(channel, "channel");
        this.dpid = requireNonNull(dpid, "dpid");
        this.factory = requireNonNull(factory, "factory");
        this.connectedSince = requireNonNull(connectedSince, "connectedSince");
        this.logFailure = future -> {
            if (!future.isSuccess() && future.channel().isOpen()) {
                log.warn("switch {}: write failed", dpid, future.cause());
            }
        };
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
        return channel.remoteAddress();
    }

    @Override
    public Instant connectedSince() {
        return connectedSince;
    }

    @Override
    public void send(OFMessage message) {
        if (!droppable(requireNonNull(message, "message"))) {
            channel.writeAndFlush(message).addListener(logFailure);
        }
    }

    /**
     * Packet-outs are dropped while the connection is unwritable (the switch does not read): a lost first packet
     * is retransmitted by its sender, whereas buffering them would grow without bound. Flow-mods and the rest
     * are always written: the engine's state depends on them, and reading stops while unwritable
     * ({@link WriteBackpressure}), so they stay few.
     */
    @Override
    public void send(List<OFMessage> messages) {
        for (OFMessage message : messages) {
            if (!droppable(requireNonNull(message, "message"))) {
                channel.write(message).addListener(logFailure);
            }
        }
        channel.flush();
    }

    private boolean droppable(OFMessage message) {
        if (message.getType() == OFType.PACKET_OUT && !channel.isWritable()) {
            counters.increment(OpenFlowCounters.PACKET_OUT_DROPPED);
            return true;
        }
        return false;
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(requireNonNull(task, "task"));
    }

    @Override
    public void close(String reason) {
        if (channel.isOpen()) {
            log.info("switch {} ({}): closing: {}", dpid, channel.remoteAddress(), reason);
        }
        channel.close();
    }

    @Override
    public String toString() {
        return "switch " + dpid + " (" + channel.remoteAddress() + ")";
    }
}
