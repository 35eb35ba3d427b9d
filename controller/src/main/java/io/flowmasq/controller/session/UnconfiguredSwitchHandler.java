package io.flowmasq.controller.session;

import io.flowmasq.controller.openflow.SwitchConnection;
import io.flowmasq.controller.openflow.SwitchHandler;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A switch whose dpid is not in the config: it gets no flows; its packet-ins are counted and dropped. */
final class UnconfiguredSwitchHandler implements SwitchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UnconfiguredSwitchHandler.class);

    private final SwitchConnection connection;
    private final Runnable onDisconnect;
    private long ignored;

    UnconfiguredSwitchHandler(SwitchConnection connection, Runnable onDisconnect) {
        this.connection = connection;
        this.onDisconnect = onDisconnect;
        LOG.warn("switch {} from {} is not in the configuration: no NAT flows will be installed on it; "
                + "add it under \"switches\" with dpid \"{}\"", connection.dpid(), connection.remoteAddress(),
                connection.dpid());
    }

    @Override
    public void onMessage(OFMessage message) {
        ignored++;
    }

    @Override
    public void onTick() {
        // nothing to maintain
    }

    @Override
    public void onDisconnect() {
        LOG.info("unconfigured switch {} disconnected after {} ignored messages", connection.dpid(), ignored);
        onDisconnect.run();
    }
}
