package io.flowmasq.controller.session;

import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.openflow.SwitchConnection;
import io.flowmasq.controller.openflow.SwitchHandler;
import java.util.List;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapts one switch connection to its NAT engine: read the clock, hand over the event, send the answer. */
final class NatSwitchHandler implements SwitchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(NatSwitchHandler.class);

    private final SwitchConnection connection;
    private final NatEngine engine;
    private final LongSupplier clock;
    private final Runnable onDisconnect;

    NatSwitchHandler(SwitchConnection connection, NatEngine engine, LongSupplier clock, Runnable onDisconnect) {
        this.connection = connection;
        this.engine = engine;
        this.clock = clock;
        this.onDisconnect = onDisconnect;
    }

    void start() {
        send(engine.onConnect(clock.getAsLong()));
    }

    @Override
    public void onMessage(OFMessage message) {
        switch (message.getType()) {
            case PACKET_IN:
                send(engine.onPacketIn((OFPacketIn) message, clock.getAsLong()));
                break;
            case FLOW_REMOVED:
                send(engine.onFlowRemoved((OFFlowRemoved) message, clock.getAsLong()));
                break;
            case ERROR:
            case BARRIER_REPLY:
                break; // errors are logged and counted by the channel
            default:
                LOG.debug("switch {}: {} not used", connection.dpid(), message.getType());
        }
    }

    @Override
    public void onTick() {
        send(engine.onTick(clock.getAsLong()));
    }

    @Override
    public void onDisconnect() {
        LOG.info("switch {} disconnected; {} bindings kept for its return", connection.dpid(),
                engine.bindings().size());
        onDisconnect.run();
    }

    private void send(List<OFMessage> messages) {
        if (!messages.isEmpty()) {
            connection.send(messages);
        }
    }
}
