package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One switch connection as a state machine ({@link HandshakeState}): HELLO and version
 * negotiation, FEATURES, SET_CONFIG + BARRIER, then ACTIVE, where an {@link ActiveSession} takes
 * the messages. ECHO requests are answered and ERRORs logged and counted in every state; before
 * ACTIVE anything else is dropped. Created per channel.
 */
final class OpenFlowHandshakeHandler extends ChannelInboundHandlerAdapter {
    static final long HANDSHAKE_TIMEOUT_SECONDS = 10;
    /** OFPCML_NO_BUFFER in OF1.3; in OF1.0 the largest value: whole packets either way. */
    static final int MISS_SEND_LEN = 0xffff;
    private static final Logger log = LoggerFactory.getLogger(OpenFlowHandshakeHandler.class);

    private final SwitchHandlerFactory handlerFactory;
    private final OpenFlowCounters counters;
    private final SwitchRegistry registry;
    private final Clock clock;
    private final RateLimitedLog errorLog = new RateLimitedLog(log, "OpenFlow ERROR messages");
    private final RateLimitedLog mismatchLog = new RateLimitedLog(log, "messages of another OpenFlow version");

    private HandshakeState state = HandshakeState.WAIT_HELLO;
    private OFFactory factory; // chosen once, on the switch's HELLO
    private long configBarrierXid = -1;
    private ScheduledFuture<?> handshakeTimeout;
    private ActiveSession session;

    OpenFlowHandshakeHandler(SwitchHandlerFactory handlerFactory, OpenFlowCounters counters,
            SwitchRegistry registry, Clock clock) {
        this.handlerFactory = requireNonNull(handlerFactory, "handlerFactory");
        this.counters = requireNonNull(counters, "counters");
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
    }

    HandshakeState state() {
        return state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(VersionNegotiation.ourHello());
        handshakeTimeout = ctx.executor().schedule(() -> handshakeTimedOut(ctx),
                HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof OFMessage message)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (session != null) {
            session.noteAlive();
        }
        if (state == HandshakeState.CLOSED) {
            return;
        }
        if (factory != null && message.getType() != OFType.HELLO && message.getVersion() != factory.getVersion()) {
            counters.increment(OpenFlowCounters.VERSION_MISMATCH);
            if (mismatchLog.permit()) {
                log.warn("{}: dropped {} of {} (negotiated {})", who(ctx), message.getType(),
                        message.getVersion(), factory.getVersion());
            }
            return;
        }
        switch (message.getType()) {
            case HELLO -> onHello(ctx, (OFHello) message);
            case ECHO_REQUEST -> onEchoRequest(ctx, (OFEchoRequest) message);
            case ECHO_REPLY -> { } // liveness noted above
            case ERROR -> onError(ctx, (OFErrorMsg) message);
            case FEATURES_REPLY -> onFeaturesReply(ctx, (OFFeaturesReply) message);
            case BARRIER_REPLY -> {
                if (message.getXid() != configBarrierXid) { // the handshake's own barrier stays here
                    deliver(ctx, message);
                }
            }
            default -> deliver(ctx, message);
        }
    }

    private void onHello(ChannelHandlerContext ctx, OFHello hello) {
        if (state != HandshakeState.WAIT_HELLO) {
            log.debug("{}: ignored repeated HELLO", who(ctx));
            return;
        }
        Optional<OFVersion> version = VersionNegotiation.negotiate(hello);
        if (version.isEmpty()) {
            counters.increment(OpenFlowCounters.HANDSHAKE_FAILED);
            log.warn("{}: no common OpenFlow version (we speak OF1.0 and OF1.3, the switch sent {}); closing",
                    who(ctx), hello);
            state = HandshakeState.CLOSED;
            ctx.writeAndFlush(VersionNegotiation.incompatible(hello)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        factory = OFFactories.getFactory(version.get());
        log.info("{}: negotiated {}", who(ctx), version.get());
        state = HandshakeState.WAIT_FEATURES_REPLY;
        ctx.writeAndFlush(factory.buildFeaturesRequest().build());
    }

    private void onFeaturesReply(ChannelHandlerContext ctx, OFFeaturesReply features) {
        if (state != HandshakeState.WAIT_FEATURES_REPLY) {
            deliver(ctx, features);
            return;
        }
        ctx.write(factory.buildSetConfig().setFlags(EnumSet.of(OFConfigFlags.FRAG_NORMAL))
                .setMissSendLen(MISS_SEND_LEN).build());
        OFBarrierRequest barrier = factory.buildBarrierRequest().build();
        configBarrierXid = barrier.getXid();
        ctx.writeAndFlush(barrier);
        handshakeTimeout.cancel(false);
        state = HandshakeState.ACTIVE;
        NettySwitchConnection connection =
                new NettySwitchConnection(ctx.channel(), features.getDatapathId(), factory, clock.instant(),
                        counters);
        log.info("{} connected ({}, {} tables)", connection, factory.getVersion(), features.getNTables());
        Optional<ActiveSession> opened = ActiveSession.open(connection, features, handlerFactory, registry, counters);
        if (opened.isEmpty()) {
            ctx.close();
            return;
        }
        session = opened.get();
        if (state == HandshakeState.CLOSED) { // the factory closed the connection at once
            session.end();
        } else {
            session.startTicks(ctx.executor());
        }
    }

    private void onEchoRequest(ChannelHandlerContext ctx, OFEchoRequest request) {
        OFFactory replyFactory = factory != null ? factory : OFFactories.getFactory(request.getVersion());
        ctx.writeAndFlush(replyFactory.buildEchoReply().setXid(request.getXid()).setData(request.getData()).build());
    }

    private void onError(ChannelHandlerContext ctx, OFErrorMsg error) {
        counters.increment(OpenFlowErrors.counterName(error));
        if (io.flowmasq.flowcompiler.FlowCompiler.isTableFull(error)) {
            // one per refused flow-mod while the table stays full: the engine reports them, at a bounded rate
            log.debug("{}: error {} xid={}", who(ctx), OpenFlowErrors.describe(error), error.getXid());
        } else if (errorLog.permit()) {
            log.warn("{}: error {} xid={} data={}", who(ctx), OpenFlowErrors.describe(error), error.getXid(),
                    error.getData());
        }
        deliver(ctx, error);
    }

    private void deliver(ChannelHandlerContext ctx, OFMessage message) {
        if (state == HandshakeState.ACTIVE && session != null) {
            session.onMessage(message);
        } else {
            log.debug("{}: dropped {} received in state {}", who(ctx), message.getType(), state);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent idle) || idle.state() != IdleState.READER_IDLE) {
            ctx.fireUserEventTriggered(evt);
        } else if (state == HandshakeState.ACTIVE && session != null) {
            session.onReaderIdle(); // before ACTIVE the handshake timeout watches the peer
        }
    }

    private void handshakeTimedOut(ChannelHandlerContext ctx) {
        if (state == HandshakeState.WAIT_HELLO || state == HandshakeState.WAIT_FEATURES_REPLY) {
            counters.increment(OpenFlowCounters.HANDSHAKE_FAILED);
            log.warn("{}: handshake incomplete after {} s in state {}; closing", who(ctx),
                    HANDSHAKE_TIMEOUT_SECONDS, state);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = HandshakeState.CLOSED;
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        if (session != null) {
            session.end();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // every stage before this one catches what bad input can cause: this is an I/O error or a bug
        counters.increment(OpenFlowCounters.PIPELINE_EXCEPTIONS);
        log.warn("{}: closing after {}", who(ctx), cause.toString());
        log.debug("{}: exception", who(ctx), cause);
        ctx.close();
    }

    private String who(ChannelHandlerContext ctx) {
        return session != null ? session.connection().toString() : String.valueOf(ctx.channel().remoteAddress());
    }
}
