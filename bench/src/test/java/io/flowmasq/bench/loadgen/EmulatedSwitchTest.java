package io.flowmasq.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** The load generator's logic without a controller: frames, packet-ins, and counting answers. No timing. */
class EmulatedSwitchTest {
    private static final byte[] GW = BenchConfig.insideMac(0);

    @Test
    void firstPacketsHaveValidChecksumsAndDistinctFiveTuples() {
        FlowSource flows = new FlowSource(64, FlowSource.Mix.MIXED, GW);
        Set<String> tuples = new HashSet<>();
        for (long k = 0; k < 20_000; k++) {
            byte[] f = flows.frame(k, (int) k);
            assertEquals(0x0800, FirstPackets.get16(f, 12));
            assertEquals(0, FirstPackets.checksum(f, 14, 20, 0), "IPv4 header checksum of flow " + k);
            int protocol = f[14 + 9] & 0xff;
            int l4Length = f.length - 34;
            long pseudo = FirstPackets.pseudoHeader(FirstPackets.get32(f, 26), FirstPackets.get32(f, 30), protocol,
                    l4Length);
            assertEquals(0, FirstPackets.checksum(f, 34, l4Length, pseudo), "L4 checksum of flow " + k);
            if (protocol == FirstPackets.PROTO_TCP) {
                assertEquals(0x02, f[34 + 13], "a SYN");
            }
            assertEquals(k, FirstPackets.tagOf(f, 0, f.length));
            assertTrue(tuples.add(protocol + " " + FirstPackets.get32(f, 26) + ":" + FirstPackets.get16(f, 34) + " "
                    + FirstPackets.get32(f, 30) + ":" + FirstPackets.get16(f, 36)), "flow " + k + " repeats a 5-tuple");
            int src = FirstPackets.get32(f, 26);
            assertEquals(10, src >>> 24, "inside 10.0.0.0/8");
        }
        assertEquals(64, tuples.stream().map(t -> t.split(" ")[1].split(":")[0]).distinct().count(), "every host");
    }

    @Test
    void packetInsParseWithLoxiForBothVersions() throws Exception {
        for (OFVersion v : List.of(OFVersion.OF_13, OFVersion.OF_10)) {
            byte[] frame = new FlowSource(4, FlowSource.Mix.TCP, GW).frame(7, 7);
            ByteBuf buf = Unpooled.buffer();
            new SwitchWire(v, 0xF100000000000000L).writePacketIn(buf, 42, SwitchWire.NO_BUFFER, 1, frame);
            OFPacketIn pi = (OFPacketIn) OFFactories.getGenericReader().readFrom(buf);
            assertEquals(v, pi.getVersion());
            assertEquals(42, pi.getXid());
            assertEquals(OFBufferId.NO_BUFFER, pi.getBufferId());
            assertEquals(OFPort.of(1), v == OFVersion.OF_13 ? pi.getMatch().get(MatchField.IN_PORT) : pi.getInPort());
            assertEquals(frame.length, pi.getData().length);
            assertEquals(0, buf.readableBytes(), "the length field covers the message exactly");
        }
    }

    @Test
    void aBindingCountsOnceWhenItsPacketOutArrivesAndFlowModsDoNotCount() throws Exception {
        for (OFVersion v : List.of(OFVersion.OF_13, OFVersion.OF_10)) {
            OFFactory f = OFFactories.getFactory(v);
            AtomicLong clock = new AtomicLong(1_000);
            EmulatedSwitch sw = new EmulatedSwitch(new EmulatedSwitch.Setup(BenchConfig.dpid(0), v, 4, false, 0,
                    new FlowSource(16, FlowSource.Mix.MIXED, GW), BenchConfig.NEXT_HOP, BenchConfig.NEXT_HOP_MAC,
                    BenchConfig.PUBLIC_ADDRESS, BenchConfig.outsideMac(0)), clock::get);
            EmbeddedChannel ch = new EmbeddedChannel(sw);
            drain(ch); // HELLO
            sw.recording(true);
            sw.start();
            ch.runPendingTasks();
            List<OFPacketIn> sent = packetIns(drain(ch));
            assertEquals(4, sent.size(), "the window");
            clock.addAndGet(5_000);
            // the controller's answer to the first: two flow-mods and a packet-out with the same frame
            OFPacketIn first = sent.get(0);
            feed(ch, f.buildFlowAdd().setXid(100).build());
            feed(ch, f.buildFlowAdd().setXid(101).build());
            feed(ch, packetOut(f, first));
            assertEquals(1, sw.answered());
            List<OFPacketIn> next = packetIns(drain(ch));
            assertEquals(1, next.size(), "one new packet-in per answer keeps the window full");
            // a second packet-out for the same packet-in is not a second binding
            feed(ch, packetOut(f, first));
            assertEquals(1, sw.answered());
            assertEquals(1, sw.unmatched());
            assertEquals(0, packetIns(drain(ch)).size());
            for (OFPacketIn pi : sent.subList(1, 4)) {
                feed(ch, packetOut(f, pi));
            }
            assertEquals(4, sw.answered());
            var latency = sw.latency();
            ch.runPendingTasks(); // the copy is taken on the switch's event loop
            assertEquals(4, latency.join().getTotalCount());
            assertEquals(5_000, latency.join().getMaxValue(), 5);
            ch.finishAndReleaseAll();
        }
    }

    private static OFPacketOut packetOut(OFFactory f, OFPacketIn in) {
        return f.buildPacketOut().setXid(7).setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER)
                .setActions(List.of(f.actions().output(OFPort.of(3), 0))).setData(in.getData()).build();
    }

    private static void feed(EmbeddedChannel ch, OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        ch.writeInbound(buf);
        ch.runPendingTasks();
    }

    private static List<OFMessage> drain(EmbeddedChannel ch) throws Exception {
        ch.flushOutbound();
        List<OFMessage> out = new ArrayList<>();
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ByteBuf b = (ByteBuf) o;
            while (b.isReadable()) {
                out.add(OFFactories.getGenericReader().readFrom(b));
            }
            b.release();
        }
        return out;
    }

    private static List<OFPacketIn> packetIns(List<OFMessage> messages) {
        List<OFPacketIn> out = new ArrayList<>();
        for (OFMessage m : messages) {
            out.add(assertInstanceOf(OFPacketIn.class, m));
        }
        return out;
    }
}
