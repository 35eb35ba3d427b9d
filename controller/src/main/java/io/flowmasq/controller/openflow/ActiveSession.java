package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACTIVE phase of one connection: registered in the {@link SwitchRegistry}, hands events to its
 * {@link SwitchHandler} (a handler that throws is counted and logged with its stack trace at a bounded
 * rate; the session stays up, since one bad event must not cut off the switch's other traffic), ticks
 * it every second, probes the peer with echo, and calls {@link SwitchHandler#onDisconnect()}
 * exactly once. Runs on the connection's event loop only.
 */
final class ActiveSession {
    static final long TICK_SECONDS = 1;
    private static final Logger log = LoggerFactory.getLogger(ActiveSession.class);

    private final NettySwitchConnection connection;
    private final SwitchHandler handler;
    private final SwitchRegistry registry;
    private final OpenFlowCounters counters;
    private final RateLimitedLog failures = new RateLimitedLog(log, "SwitchHandler failures");
    private ScheduledFuture<?> tick;
    private boolean echoOutstanding;
    private boolean ended;

    private ActiveSession(NettySwitchConnection connection, SwitchHandler handler, SwitchRegistry registry,
            OpenFlowCounters counters) {
        this.connection = connection;
        this.handler = handler;
        this.registry = registry;
        this.counters = counters;
    }

    /** Registers the connection and asks the factory for its handler; empty if the factory failed. */
    static Optional<ActiveSession> open(NettySwitchConnection connection, OFFeaturesReply features,
            SwitchHandlerFactory factory, SwitchRegistry registry, OpenFlowCounters counters) {
        registry.register(connection);
        try {
            SwitchHandler handler = requireNonNull(factory.connected(connection, features), "SwitchHandler");
            return Optional.of(new ActiveSession(connection, handler, registry, counters));
        } catch (RuntimeException e) {
            counters.increment(OpenFlowCounters.HANDLER_EXCEPTIONS);
            log.error("{}: SwitchHandlerFactory failed", connection, e);
            registry.unregister(connection);
            return Optional.empty();
        }
    }

    NettySwitchConnection connection() {
        return connection;
    }

    void startTicks(EventExecutor executor) {
        if (!ended) {
            tick = executor.scheduleAtFixedRate(this::onTick, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Any inbound message proves the peer alive. */
    void noteAlive() {
        echoOutstanding = false;
    }

    void onMessage(OFMessage message) {
        if (!ended) {
            call(message.getType().name(), h -> h.onMessage(message));
        }
    }

    private void onTick() {
        if (!ended) {
            call("tick", SwitchHandler::onTick);
        }
    }

    /** Nothing was read for an echo interval: probe the peer, or give up if the last probe is unanswered. */
    void onReaderIdle() {
        if (ended) {
            return;
        }
        if (echoOutstanding) {
            counters.increment(OpenFlowCounters.ECHO_TIMEOUTS);
            log.warn("switch {} dead: no echo reply", connection.dpid());
            connection.close("no echo reply");
            return;
        }
        echoOutstanding = true;
        connection.send(connection.factory().buildEchoRequest().setData(new byte[0]).build());
    }

    /** The channel closed: unregister, stop ticking, tell the handler. Idempotent. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (tick != null) {
            tick.cancel(false);
        }
        registry.unregister(connection);
        log.info("{}: disconnected", connection);
        call("disconnect", SwitchHandler::onDisconnect);
    }

    private void call(String what, Consumer<SwitchHandler> call) {
        try {
            call.accept(handler);
        } catch (RuntimeException e) {
            counters.increment(OpenFlowCounters.HANDLER_EXCEPTIONS);
            if (failures.permit()) {
                log.error("{}: SwitchHandler failed on {}; session kept", connection, what, e);
            }
        }
    }
}
