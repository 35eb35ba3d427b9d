package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** Framing and parsing: bad messages are dropped one at a time, lost framing closes. */
class OpenFlowFramingTest {
    private final OpenFlowCounters counters = new OpenFlowCounters();
    private final RecordingHandlerFactory factory = new RecordingHandlerFactory();
    private final TestSwitch sw = new TestSwitch(factory, counters, new SwitchRegistry());
    private final OFFactory of13 = TestSwitch.of(OFVersion.OF_13);
    private RecordingHandlerFactory.RecordingHandler handler;

    @AfterEach
    void releaseBuffers() {
        sw.finish();
    }

    @BeforeEach
    void activate() {
        sw.activate(OFVersion.OF_13, 7);
        handler = factory.only();
    }

    /** An OF1.3 header of {@code type} followed by {@code bodyLength} bytes of 0xAB. */
    private static byte[] garbage(int type, int bodyLength) {
        byte[] bytes = new byte[8 + bodyLength];
        Arrays.fill(bytes, (byte) 0xAB);
        bytes[0] = 4;
        bytes[1] = (byte) type;
        bytes[2] = (byte) (bytes.length >> 8);
        bytes[3] = (byte) bytes.length;
        return bytes;
    }

    private void assertDroppedAndSessionContinues(byte[] bad) {
        OFMessage later = of13.barrierReply();
        sw.receiveBytes(bad);
        sw.receive(later);
        assertEquals(1, counters.get(OpenFlowCounters.PARSE_ERRORS));
        assertTrue(sw.channel.isOpen());
        assertEquals(List.of(later), handler.messages);
        sw.assertInboundReleased();
    }

    @Test
    void packetInWithGarbageBodyIsDropped() {
        assertDroppedAndSessionContinues(garbage(10, 32)); // OFPT_PACKET_IN
    }

    @Test
    void flowRemovedTooShortForItsTypeIsDropped() {
        assertDroppedAndSessionContinues(garbage(11, 10)); // OFPT_FLOW_REMOVED
    }

    @Test
    void unknownMessageTypeIsDropped() {
        assertDroppedAndSessionContinues(garbage(200, 4));
    }

    @Test
    void unknownVersionIsDropped() {
        byte[] bad = garbage(0, 0);
        bad[0] = 9;
        assertDroppedAndSessionContinues(bad);
    }

    @Test
    void lengthBelowHeaderSizeClosesTheConnection() {
        byte[] bad = garbage(10, 0);
        bad[3] = 4;
        sw.receiveBytes(bad);
        sw.channel.runPendingTasks();
        assertEquals(1, counters.get(OpenFlowCounters.FRAMING_ERRORS));
        assertFalse(sw.channel.isOpen());
        assertEquals(1, handler.disconnects);
        sw.assertInboundReleased();
    }

    @Test
    void messagesSplitAndCoalescedAcrossReadsAreReassembled() {
        ByteBuf stream = Unpooled.buffer();
        of13.barrierReply().writeTo(stream);
        of13.echoReply(new byte[0]).writeTo(stream);
        of13.buildBarrierReply().setXid(4242).build().writeTo(stream);
        byte[] bytes = new byte[stream.readableBytes()];
        stream.readBytes(bytes);
        stream.release();
        sw.receiveBytes(Arrays.copyOfRange(bytes, 0, 5));
        sw.receiveBytes(Arrays.copyOfRange(bytes, 5, 20));
        sw.receiveBytes(Arrays.copyOfRange(bytes, 20, bytes.length));
        assertEquals(2, handler.messages.size());
        assertEquals(4242, handler.messages.get(1).getXid());
        assertEquals(0, counters.get(OpenFlowCounters.PARSE_ERRORS));
        sw.assertInboundReleased();
    }
}
