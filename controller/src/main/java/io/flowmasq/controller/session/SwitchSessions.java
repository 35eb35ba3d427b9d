package io.flowmasq.controller.session;

import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.openflow.SwitchConnection;
import io.flowmasq.controller.openflow.SwitchHandler;
import io.flowmasq.controller.openflow.SwitchHandlerFactory;
import io.flowmasq.flowcompiler.FlowCompiler;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the handler of each switch that completes its handshake. Every configured switch has one
 * {@link ManagedSwitch} for the life of the controller; a switch that is not in the config is only
 * remembered while it is connected, and gets no flows.
 */
public final class SwitchSessions implements SwitchHandlerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchSessions.class);

    private final Map<DatapathId, ManagedSwitch> managed;
    private final Map<DatapathId, SwitchConnection> unconfigured = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final SwitchMetrics metrics;

    public SwitchSessions(FlowmasqConfig config, ManagedSwitch.EngineFactory engines, LongSupplier clock,
                          SwitchMetrics metrics) {
        Map<DatapathId, ManagedSwitch> byDpid = new LinkedHashMap<>();
        config.switches().forEach(s -> byDpid.put(s.dpid(),
                new ManagedSwitch(s, engines, config.statsIntervalSeconds() * 1000L, metrics)));
        this.managed = Collections.unmodifiableMap(byDpid);
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public SwitchHandler connected(SwitchConnection connection, OFFeaturesReply features) {
        DatapathId dpid = connection.dpid();
        ManagedSwitch sw = managed.get(dpid);
        if (sw == null) {
            unconfigured.put(dpid, connection);
            return new UnconfiguredSwitchHandler(connection, () -> unconfigured.remove(dpid, connection));
        }
        FlowCompiler compiler = FlowCompiler.forFactory(connection.factory());
        sw.attach(connection, compiler, clock.getAsLong());
        LOG.info("switch {} ({}) connected from {} speaking {}", sw.config().name(), dpid,
                connection.remoteAddress(), compiler.version());
        NatSwitchHandler handler = new NatSwitchHandler(connection, sw, clock, metrics, () -> { });
        handler.start(features);
        return handler;
    }

    /** The configured switches, connected or not, in config order. */
    public Collection<ManagedSwitch> managed() {
        return managed.values();
    }

    public Optional<ManagedSwitch> managed(DatapathId dpid) {
        return Optional.ofNullable(managed.get(dpid));
    }

    /** Switches connected now that are not in the config. */
    public Collection<SwitchConnection> unconfigured() {
        return unconfigured.values();
    }
}
