package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.U32;

/** The controller side of one switch connection on an EmbeddedChannel, seen from the switch. */
final class TestSwitch {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);

    final EmbeddedChannel channel;
    final OpenFlowHandshakeHandler session;
    private final List<ByteBuf> fed = new ArrayList<>();

    TestSwitch(SwitchHandlerFactory factory, OpenFlowCounters counters, SwitchRegistry registry) {
        channel = new EmbeddedChannel(new OpenFlowChannelInitializer(factory, counters, registry, 5, CLOCK));
        session = channel.pipeline().get(OpenFlowHandshakeHandler.class);
    }

    static OFFactory of(OFVersion version) {
        return OFFactories.getFactory(version);
    }

    static OFHello helloWithBitmap(OFVersion headerVersion, long bitmap) {
        OFFactory f = of(headerVersion);
        return f.buildHello().setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(bitmap))))).build();
    }

    /** The switch sends these messages (each encoded in its own buffer). */
    void receive(OFMessage... messages) {
        for (OFMessage message : messages) {
            ByteBuf buf = Unpooled.buffer();
            message.writeTo(buf);
            receiveBuffer(buf);
        }
    }

    void receiveBytes(byte[] bytes) {
        receiveBuffer(Unpooled.wrappedBuffer(bytes));
    }

    private void receiveBuffer(ByteBuf buf) {
        fed.add(buf);
        channel.writeInbound(buf);
        channel.checkException();
    }

    /** Every inbound buffer handed to the channel has been released by the pipeline. */
    void assertInboundReleased() {
        for (ByteBuf buf : fed) {
            assertEquals(0, buf.refCnt(), "inbound buffer not released");
        }
    }

    /** Drains and parses what the controller wrote to the switch. */
    List<OFMessage> sent() {
        List<OFMessage> out = new ArrayList<>();
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) o;
            try {
                while (buf.isReadable()) {
                    out.add(OFFactories.getGenericReader().readFrom(buf));
                }
            } catch (OFParseError e) {
                throw new AssertionError("controller sent an unparsable message", e);
            } finally {
                buf.release();
            }
        }
        return out;
    }

    /** Runs the handshake to ACTIVE in {@code version} and drains the controller's messages. */
    void activate(OFVersion version, long dpid) {
        OFFactory f = of(version);
        receive(version == OFVersion.OF_10 ? f.buildHello().build() : helloWithBitmap(version, 0x12));
        receive(f.buildFeaturesReply().setDatapathId(DatapathId.of(dpid)).build());
        sent();
    }

    /** Closes the channel and releases whatever the test left unread. */
    void finish() {
        channel.finishAndReleaseAll();
    }

    void advanceSeconds(long seconds) {
        channel.advanceTimeBy(seconds, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }
}
