package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one switch connection, one concern per handler:
 * idle detection → framing → parsing → (encoding on the way out) → handshake/session.
 *
 * <p>Flushes made while a batch of inbound messages is being read go out once, at the end of the batch
 * (or every {@link #FLUSH_EVERY} flushes): each packet-in's answer is flushed, and one write system call
 * per packet-in was ~40 % of the event loop's time under load (bench/README.md). Flushes from outside a
 * read (REST deletes, ticks) go out at once.
 */
public final class OpenFlowChannelInitializer extends ChannelInitializer<Channel> {
    public static final int DEFAULT_ECHO_INTERVAL_SECONDS = 5;
    static final int FLUSH_EVERY = 64;

    private final SwitchHandlerFactory handlerFactory;
    private final OpenFlowCounters counters;
    private final SwitchRegistry registry;
    private final int echoIntervalSeconds;
    private final Clock clock;

    public OpenFlowChannelInitializer(SwitchHandlerFactory handlerFactory, OpenFlowCounters counters,
            SwitchRegistry registry) {
        this(handlerFactory, counters, registry, DEFAULT_ECHO_INTERVAL_SECONDS, Clock.systemUTC());
    }

    /**
     * @param echoIntervalSeconds after this long without any inbound message an ECHO_REQUEST is
     *     sent; after twice as long the switch is declared dead
     * @param clock only stamps {@link SwitchConnection#connectedSince()}
     */
    public OpenFlowChannelInitializer(SwitchHandlerFactory handlerFactory, OpenFlowCounters counters,
            SwitchRegistry registry, int echoIntervalSeconds, Clock clock) {
        if (echoIntervalSeconds <= 0) {
            throw new IllegalArgumentException("echoIntervalSeconds must be positive: " + echoIntervalSeconds);
        }
        this.handlerFactory = requireNonNull(handlerFactory, "handlerFactory");
        this.counters = requireNonNull(counters, "counters");
        this.registry = requireNonNull(registry, "registry");
        this.echoIntervalSeconds = echoIntervalSeconds;
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    protected void initChannel(Channel channel) {
        channel.config().setWriteBufferWaterMark(WriteBackpressure.WATER_MARK);
        channel.pipeline()
                .addLast("backpressure", new WriteBackpressure(counters))
                .addLast("flush", new FlushConsolidationHandler(FLUSH_EVERY, false))
                .addLast("idle", new IdleStateHandler(echoIntervalSeconds, 0, 0, TimeUnit.SECONDS))
                .addLast("frame", new OpenFlowFrameDecoder(counters))
                .addLast("decode", new OpenFlowMessageDecoder(counters))
                .addLast("encode", new OpenFlowMessageEncoder(counters))
                .addLast("session", new OpenFlowHandshakeHandler(handlerFactory, counters, registry, clock));
    }
}
