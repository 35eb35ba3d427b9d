package io.flowmasq.controller.session;

import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.CounterSink;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.openflow.SwitchConnection;
import io.flowmasq.controller.openflow.SwitchHandler;
import io.flowmasq.controller.openflow.SwitchHandlerFactory;
import io.flowmasq.flowcompiler.FlowCompiler;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the handler of each switch that completes its handshake, and keeps one session per dpid.
 * A configured switch that reconnects gets its previous engine back (its flows are still in the
 * switch), unless it now speaks another OpenFlow version.
 */
public final class SwitchSessions implements SwitchHandlerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchSessions.class);

    private final Map<DatapathId, SwitchConfig> configs = new ConcurrentHashMap<>();
    private final Map<DatapathId, SwitchSession> sessions = new ConcurrentHashMap<>();
    private final CounterSink counters;
    private final LongSupplier clock;

    public SwitchSessions(FlowmasqConfig config, CounterSink counters, LongSupplier clock) {
        config.switches().forEach(s -> configs.put(s.dpid(), s));
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public SwitchHandler connected(SwitchConnection connection, OFFeaturesReply features) {
        DatapathId dpid = connection.dpid();
        SwitchConfig config = configs.get(dpid);
        if (config == null) {
            sessions.put(dpid, new SwitchSession(Optional.empty(), Optional.empty(), connection, true));
            return new UnconfiguredSwitchHandler(connection, () -> markDisconnected(dpid, connection));
        }
        FlowCompiler compiler = FlowCompiler.forFactory(connection.factory());
        NatEngine engine = reusableEngine(dpid, compiler).orElseGet(() -> new NatEngine(config, compiler, counters));
        sessions.put(dpid, new SwitchSession(Optional.of(config), Optional.of(engine), connection, true));
        LOG.info("switch {} ({}) connected from {} speaking {}", config.name(), dpid, connection.remoteAddress(),
                compiler.version());
        NatSwitchHandler handler = new NatSwitchHandler(connection, engine, clock,
                () -> markDisconnected(dpid, connection));
        handler.start();
        return handler;
    }

    public Collection<SwitchSession> sessions() {
        return sessions.values();
    }

    private Optional<NatEngine> reusableEngine(DatapathId dpid, FlowCompiler compiler) {
        SwitchSession previous = sessions.get(dpid);
        if (previous == null || previous.engine().isEmpty()) {
            return Optional.empty();
        }
        if (previous.connection().factory().getVersion() != compiler.version()) {
            LOG.warn("switch {} came back speaking {} instead of {}: starting with an empty binding table",
                    dpid, compiler.version(), previous.connection().factory().getVersion());
            return Optional.empty();
        }
        return previous.engine();
    }

    private void markDisconnected(DatapathId dpid, SwitchConnection connection) {
        sessions.computeIfPresent(dpid, (k, s) -> s.connection() == connection ? s.disconnected() : s);
    }
}
