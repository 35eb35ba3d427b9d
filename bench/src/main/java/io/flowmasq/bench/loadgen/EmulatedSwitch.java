package io.flowmasq.bench.loadgen;

import io.flowmasq.flowcompiler.Cookies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One emulated OpenFlow switch on one connection to the controller: it completes the handshake,
 * answers echo, barrier and statistics requests, answers the gateway's ARP request for the next hop
 * from the outside port, then keeps {@code window} packet-ins of new flows outstanding. A packet-in
 * counts once, when the packet-out that sends its packet on arrives (matched by its tag, or by buffer
 * id); flow-mods are not counted. Runs on one Netty event loop; the counters are read from the driver.
 *
 * <p>With {@code maxTable > 0} the switch also plays the idle timeout: once it holds more than that
 * many bindings it reports the oldest one's outbound flow expired (FLOW_REMOVED, idle timeout) and its
 * inbound flow deleted, as Open vSwitch does, so the controller's table churns at a fixed size.
 */
public final class EmulatedSwitch extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedSwitch.class);
    static final int RING = 1 << 16;
    public static final int INSIDE_PORT = 1;
    public static final int OUTSIDE_PORT = 3;

    /** What the switch needs to know about the controller's configuration for it. */
    public record Setup(DatapathId dpid, OFVersion version, int window, boolean buffered, int maxTable,
                        FlowSource flows, int nextHop, byte[] nextHopMac, int publicAddress,
                        byte[] gatewayOutsideMac) {
        public Setup {
            if (window < 1 || window > RING / 2) {
                throw new IllegalArgumentException("window must be 1.." + RING / 2 + ": " + window);
            }
        }
    }

    private record Installed(U64 cookie, Match outbound, Match inbound, int idleTimeout) {
    }

    private final Setup setup;
    private final OFFactory factory;
    private final SwitchWire wire;
    private final LongSupplier nanoClock;
    private final long[] sentAt = new long[RING];
    private final int[] tagAt = new int[RING];
    private final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ArrayDeque<Installed> table = new ArrayDeque<>();
    private final Map<U64, Match> inboundOf = new HashMap<>();
    private ChannelHandlerContext ctx;
    private boolean running;
    private boolean unflushed;
    private long nextFlow;
    private int outstanding;
    private int xid = 1;
    private volatile boolean recording;
    private volatile long answered;
    private volatile long dropped;
    private volatile long unmatched;
    private volatile long expired;

    public EmulatedSwitch(Setup setup, LongSupplier nanoClock) {
        this.setup = setup;
        this.factory = OFFactories.getFactory(setup.version());
        this.wire = new SwitchWire(setup.version(), Cookies.PIPELINE.getValue());
        this.nanoClock = nanoClock;
    }

    /** Completes once the controller has asked for the next hop and had its answer. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Starts sending (on the switch's event loop). */
    public void start() {
        ctx.executor().execute(() -> {
            running = true;
            while (outstanding < setup.window()) {
                sendNext();
            }
            ctx.flush();
        });
    }

    /** Stops sending new packet-ins; answers to outstanding ones are still counted. */
    public void stop() {
        ctx.executor().execute(() -> running = false);
    }

    public void recording(boolean on) {
        recording = on;
    }

    public long answered() {
        return answered;
    }

    public long dropped() {
        return dropped;
    }

    public long unmatched() {
        return unmatched;
    }

    public long expired() {
        return expired;
    }

    /** Packet-ins sent and not answered (read on the event loop). */
    public CompletableFuture<Integer> outstanding() {
        return CompletableFuture.supplyAsync(() -> outstanding, ctx.executor());
    }

    /** A copy of the latency histogram (ns), taken on the event loop. */
    public CompletableFuture<Histogram> latency() {
        return CompletableFuture.supplyAsync(latency::copy, ctx.executor());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        OFMessage hello = setup.version() == OFVersion.OF_13
                ? factory.buildHello().setElements(List.of(factory.helloElemVersionbitmap(
                        List.of(org.projectfloodlight.openflow.types.U32.of(1 << 4))))).build()
                : factory.buildHello().build();
        write(hello);
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf m = (ByteBuf) msg;
        try {
            int type = m.getUnsignedByte(m.readerIndex() + 1);
            if (type == SwitchWire.TYPE_PACKET_OUT) {
                onPacketOut(m);
            } else if (type == SwitchWire.TYPE_FLOW_MOD) {
                if (setup.maxTable() > 0) {
                    onFlowMod((OFFlowMod) OFFactories.getGenericReader().readFrom(m));
                }
            } else {
                onControl(OFFactories.getGenericReader().readFrom(m));
            }
        } catch (OFParseError e) {
            LOG.warn("switch {}: unparsable message from the controller: {}", setup.dpid(), e.toString());
        } finally {
            m.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ready.isDone()) {
            ready.completeExceptionally(new IllegalStateException("switch " + setup.dpid() + ": connection closed"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("switch {}: {}", setup.dpid(), cause.toString());
        ctx.close();
    }

    private void onPacketOut(ByteBuf m) {
        long bufferId = wire.packetOutBufferId(m);
        boolean forwards = wire.packetOutActionsLength(m) > 0;
        int dataOffset = wire.packetOutDataOffset(m);
        int dataLength = m.readableBytes() - dataOffset;
        long tag = -1;
        if (setup.buffered() && bufferId != SwitchWire.NO_BUFFER) {
            tag = bufferId;
        } else if (dataLength > 0) {
            byte[] frame = new byte[Math.min(dataLength, 64)];
            m.getBytes(m.readerIndex() + dataOffset, frame);
            if (FirstPackets.isArpRequestFor(frame, 0, dataLength, setup.nextHop())) {
                answerArp(frame);
                return;
            }
            tag = FirstPackets.tagOf(frame, 0, frame.length);
        }
        if (tag >= 0) {
            answered((int) tag, forwards);
        }
    }

    private void answered(int tag, boolean forwards) {
        int slot = tag & (RING - 1);
        if (sentAt[slot] == 0 || tagAt[slot] != tag) {
            unmatched++; // a second answer to one packet-in, or a packet the generator never sent
            return;
        }
        long nanos = nanoClock.getAsLong() - sentAt[slot];
        sentAt[slot] = 0;
        outstanding--;
        if (forwards) {
            answered++;
            if (recording) {
                latency.recordValue(Math.max(nanos, 1));
            }
            expireOldest();
        } else {
            dropped++;
        }
        if (running) {
            sendNext();
        }
    }

    private void sendNext() {
        long k = nextFlow++;
        int tag = (int) k;
        int slot = tag & (RING - 1);
        if (sentAt[slot] != 0) {
            throw new IllegalStateException("ring slot still in use: window too large");
        }
        byte[] frame = setup.flows().frame(k, tag);
        ByteBuf out = ctx.alloc().buffer(64 + frame.length);
        wire.writePacketIn(out, xid++, setup.buffered() ? (tag & 0x7fffffffL) : SwitchWire.NO_BUFFER, INSIDE_PORT,
                frame);
        tagAt[slot] = tag;
        sentAt[slot] = nanoClock.getAsLong();
        outstanding++;
        ctx.write(out);
        unflushed = true;
    }

    private void answerArp(byte[] request) {
        byte[] gatewayMac = new byte[6];
        System.arraycopy(request, 6, gatewayMac, 0, 6);
        int gatewayIp = FirstPackets.get32(request, 28);
        byte[] reply = FirstPackets.arpReply(setup.nextHopMac(), setup.nextHop(), gatewayMac, gatewayIp);
        ByteBuf out = ctx.alloc().buffer(64 + reply.length);
        wire.writePacketIn(out, xid++, SwitchWire.NO_BUFFER, OUTSIDE_PORT, reply);
        ctx.write(out);
        unflushed = true;
        if (!ready.isDone()) {
            ctx.executor().schedule(() -> ready.complete(null), 50, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void onFlowMod(OFFlowMod fm) {
        if (fm.getCommand() != OFFlowModCommand.ADD || !Cookies.isBinding(fm.getCookie())) {
            return;
        }
        Match match = fm.getMatch();
        boolean inbound = match.supports(MatchField.IN_PORT)
                && match.get(MatchField.IN_PORT).equals(OFPort.of(OUTSIDE_PORT));
        if (inbound) {
            inboundOf.put(fm.getCookie(), match); // the inbound flow comes first
        } else {
            Match in = inboundOf.remove(fm.getCookie());
            if (in != null) {
                table.add(new Installed(fm.getCookie(), match, in, fm.getIdleTimeout()));
            }
        }
    }

    /** Plays the switch's idle timeout on the oldest binding once the table is over its size. */
    private void expireOldest() {
        while (setup.maxTable() > 0 && table.size() > setup.maxTable()) {
            Installed b = table.poll();
            write(flowRemoved(b.cookie(), b.outbound(), OFFlowRemovedReason.IDLE_TIMEOUT, b.idleTimeout()));
            write(flowRemoved(b.cookie(), b.inbound(), OFFlowRemovedReason.DELETE, 0));
            expired++;
        }
    }

    private OFFlowRemoved flowRemoved(U64 cookie, Match match, OFFlowRemovedReason reason, int idleTimeout) {
        OFFlowRemoved.Builder b = factory.buildFlowRemoved()
                .setXid(xid++)
                .setCookie(cookie)
                .setPriority(20000)
                .setReason(reason)
                .setIdleTimeout(idleTimeout)
                .setDurationSec(idleTimeout + 1)
                .setPacketCount(U64.of(1))
                .setByteCount(U64.of(64))
                .setMatch(match);
        if (setup.version() != OFVersion.OF_10) {
            b.setTableId(TableId.of(0));
        }
        return b.build();
    }

    private void onControl(OFMessage message) {
        switch (message.getType()) {
            case HELLO, SET_CONFIG, PORT_MOD, ROLE_REQUEST, GET_ASYNC_REQUEST, SET_ASYNC, EXPERIMENTER -> { }
            case FEATURES_REQUEST -> write(featuresReply(message.getXid()));
            case ECHO_REQUEST -> write(factory.buildEchoReply().setXid(message.getXid())
                    .setData(((OFEchoRequest) message).getData()).build());
            case BARRIER_REQUEST -> write(factory.buildBarrierReply().setXid(message.getXid()).build());
            case GET_CONFIG_REQUEST -> write(factory.buildGetConfigReply().setXid(message.getXid())
                    .setMissSendLen(0xffff).build());
            case STATS_REQUEST -> onStatsRequest((OFStatsRequest<?>) message);
            case ERROR -> LOG.warn("switch {}: the controller sent {}", setup.dpid(), message);
            default -> LOG.debug("switch {}: ignored {}", setup.dpid(), message.getType());
        }
        unflushed = true;
    }

    private void onStatsRequest(OFStatsRequest<?> request) {
        switch (request.getStatsType()) {
            case PORT_DESC -> write(factory.buildPortDescStatsReply().setXid(request.getXid())
                    .setEntries(ports()).build());
            case FLOW -> write(factory.buildFlowStatsReply().setXid(request.getXid()).setEntries(List.of()).build());
            default -> LOG.debug("switch {}: ignored {} statistics request", setup.dpid(), request.getStatsType());
        }
    }

    private OFMessage featuresReply(long requestXid) {
        var b = factory.buildFeaturesReply()
                .setXid(requestXid)
                .setDatapathId(setup.dpid())
                .setNBuffers(setup.buffered() ? 256 : 0)
                .setNTables((short) 254)
                .setCapabilities(EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
                        OFCapabilities.PORT_STATS));
        if (setup.version() == OFVersion.OF_10) {
            b.setPorts(ports());
        }
        return b.build();
    }

    private List<OFPortDesc> ports() {
        return List.of(port(1), port(2), port(3));
    }

    private OFPortDesc port(int number) {
        return factory.buildPortDesc()
                .setPortNo(OFPort.of(number))
                .setHwAddr(MacAddress.of(0x020000000000L | ((long) setup.dpid().getLong() << 8 & 0xffffff00L)
                        | number))
                .setName("bench-eth" + number)
                .build();
    }

    private void write(OFMessage message) {
        ByteBuf out = ctx.alloc().buffer();
        message.writeTo(out);
        ctx.write(out);
        unflushed = true;
    }
}
