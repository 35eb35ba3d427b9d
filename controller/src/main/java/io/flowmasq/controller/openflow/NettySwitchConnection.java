package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
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

    NettySwitchConnection(Channel channel, DatapathId dpid, OFFactory factory, Instant connectedSince) {
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
        channel.writeAndFlush(requireNonNull(message, "message")).addListener(logFailure);
    }

    @Override
    public void send(List<OFMessage> messages) {
        for (OFMessage message : messages) {
            channel.write(requireNonNull(message, "message")).addListener(logFailure);
        }
        channel.flush();
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
