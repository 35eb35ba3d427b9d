package io.flowmasq.controller.session;

import io.flowmasq.controller.openflow.SwitchConnection;
import io.flowmasq.controller.openflow.SwitchHandler;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFeaturesStatsReply;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapts one switch connection to its {@link ManagedSwitch}: read the clock, hand over the event. */
final class NatSwitchHandler implements SwitchHandler {
    private static final Logger LOG = LoggerFactory.getLogger(NatSwitchHandler.class);

    private final SwitchConnection connection;
    private final ManagedSwitch managed;
    private final LongSupplier clock;
    private final SwitchMetrics metrics;
    private final Runnable onDisconnect;

    NatSwitchHandler(SwitchConnection connection, ManagedSwitch managed, LongSupplier clock, SwitchMetrics metrics,
                     Runnable onDisconnect) {
        this.connection = connection;
        this.managed = managed;
        this.clock = clock;
        this.metrics = metrics;
        this.onDisconnect = onDisconnect;
    }

    void start(OFFeaturesReply features) {
        long now = clock.getAsLong();
        managed.handle(engine -> engine.onConnect(now));
        managed.startRebuild(now);
        if (connection.factory().getVersion() == OFVersion.OF_10) {
            managed.setPorts(SwitchPorts.of(features.getPorts()));
        } else {
            connection.send(connection.factory().buildPortDescStatsRequest().build());
        }
    }

    @Override
    public void onMessage(OFMessage message) {
        switch (message.getType()) {
            case PACKET_IN: {
                long started = System.nanoTime();
                long now = clock.getAsLong();
                managed.onSwitchEvent(message, now);
                metrics.packetInAnswered(connection.dpid().toString(), System.nanoTime() - started);
                break;
            }
            case FLOW_REMOVED: {
                long now = clock.getAsLong();
                managed.onSwitchEvent(message, now);
                break;
            }
            case BARRIER_REPLY:
                managed.onBarrierReply(message.getXid(), clock.getAsLong());
                break;
            case STATS_REPLY:
                onStatsReply((OFStatsReply) message);
                break;
            case PORT_STATUS:
                managed.setPorts(SwitchPorts.apply(managed.ports(), (OFPortStatus) message));
                break;
            case ERROR: {
                // logged and counted by the channel; labelled by switch for the metrics; a full table is the engine's
                OFErrorMsg error = (OFErrorMsg) message;
                metrics.errorReceived(connection.dpid().toString(), error.getErrType().toString());
                managed.onError(error, clock.getAsLong());
                break;
            }
            default:
                LOG.debug("switch {}: {} not used", connection.dpid(), message.getType());
        }
    }

    private void onStatsReply(OFStatsReply reply) {
        switch (reply.getStatsType()) {
            case FLOW:
                managed.onFlowStats((OFFlowStatsReply) reply, clock.getAsLong());
                break;
            case METER_FEATURES: {
                long now = clock.getAsLong();
                managed.handle(engine -> engine.onMeterFeatures((OFMeterFeaturesStatsReply) reply, now));
                break;
            }
            case PORT_DESC:
                managed.setPorts(SwitchPorts.of(((OFPortDescStatsReply) reply).getEntries()));
                break;
            default:
                LOG.debug("switch {}: {} statistics not used", connection.dpid(), reply.getStatsType());
        }
    }

    @Override
    public void onTick() {
        long now = clock.getAsLong();
        managed.handle(engine -> engine.onTick(now));
        managed.onTick(now);
    }

    @Override
    public void onDisconnect() {
        LOG.info("switch {} disconnected; {} bindings kept for its return", connection.dpid(),
                managed.bindingCount());
        managed.detach(connection);
        onDisconnect.run();
    }
}
