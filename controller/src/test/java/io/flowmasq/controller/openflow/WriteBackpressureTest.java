package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** A switch that does not read: we stop reading from it and drop packet-outs instead of buffering them. */
class WriteBackpressureTest {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

    private static EmbeddedChannel channel(OpenFlowCounters counters) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
        ch.pipeline().addLast(new WriteBackpressure(counters), new OpenFlowMessageEncoder(counters));
        return ch;
    }

    private static OFMessage packetOut() {
        return F.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER)
                .setActions(List.of(F.actions().output(OFPort.of(1), 0))).setData(new byte[60]).build();
    }

    @Test
    void readingPausesWhileWritesPileUpAndResumesWhenTheyDrain() {
        OpenFlowCounters counters = new OpenFlowCounters();
        EmbeddedChannel ch = channel(counters);
        assertTrue(ch.config().isAutoRead());
        ch.write(Unpooled.wrappedBuffer(new byte[4096])); // not flushed: the switch is not reading
        assertFalse(ch.isWritable());
        assertFalse(ch.config().isAutoRead());
        assertEquals(1, counters.get(OpenFlowCounters.UNWRITABLE));
        ch.flush();
        assertTrue(ch.isWritable());
        assertTrue(ch.config().isAutoRead());
        ch.finishAndReleaseAll();
    }

    @Test
    void packetOutsAreDroppedWhileUnwritableFlowModsAreNot() {
        OpenFlowCounters counters = new OpenFlowCounters();
        EmbeddedChannel ch = channel(counters);
        NettySwitchConnection c = new NettySwitchConnection(ch, DatapathId.of(1), F, Instant.EPOCH, counters);
        c.send(List.of(packetOut(), F.barrierRequest()));
        assertEquals(2, ch.outboundMessages().size(), "writable: both written ");
        ch.releaseOutbound();
        ch.write(Unpooled.wrappedBuffer(new byte[4096]));
        assertFalse(ch.isWritable());
        OFMessage flowMod = F.buildFlowAdd().setPriority(1).build();
        c.send(List.of(packetOut(), flowMod));
        assertEquals(1, counters.get(OpenFlowCounters.PACKET_OUT_DROPPED));
        // the pending buffer and the flow-mod, nothing else (an embedded channel drains on flush)
        assertEquals(2, ch.outboundMessages().size());
        ByteBuf last = (ByteBuf) ch.outboundMessages().toArray()[1];
        assertEquals(OFVersion.OF_13.getWireVersion(), last.getByte(0));
        assertEquals(14, last.getByte(1)); // OFPT_FLOW_MOD
        assertTrue(ch.isWritable());
        c.send(packetOut());
        assertEquals(1, counters.get(OpenFlowCounters.PACKET_OUT_DROPPED), "writable again: written");
        assertEquals(3, ch.outboundMessages().size());
        ch.finishAndReleaseAll();
    }
}
