package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.packet.SynFramesForTest.ACK;
import static io.flowmasq.controller.packet.SynFramesForTest.SYN;
import static io.flowmasq.controller.packet.SynFramesForTest.linuxOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.packet.SynFramesForTest;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HairpinSpec;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFBufferId;

/** {@code mssClamp}: the SYNs the controller forwards leave with the MSS clamped and a correct TCP checksum. */
class MssClampTest {
    private static final String REMOTE = "198.51.100.7";

    private static EngineHarness clamping(OFVersion v, OptionalInt mss) {
        return new EngineHarness(v, EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC, mss)).connected();
    }

    private static EngineHarness clamping1360(OFVersion v) {
        return clamping(v, OptionalInt.of(1360));
    }

    private static byte[] synFromH1(int flags, byte[] options) {
        return SynFramesForTest.segment(H1, GW_IN, "10.0.0.11", 40000, REMOTE, 80, flags, options);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** The binding's flows and the packet-out of {@code sent}, as the engine must answer a first packet. */
    private static List<OFMessage> firstPacketAnswer(EngineHarness h, byte[] sent) {
        Binding b = h.engine.bindings().byInside(Protocol.TCP, Endpoint.of("10.0.0.11", 40000)).orElseThrow();
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new ArrayList<>(c.installBinding(b.spec(), b.state() == BindingState.TRANSITORY ? HandshakeReport.INBOUND : HandshakeReport.NONE));
        want.add(c.forwardOutbound(b.spec(), PacketRef.unbuffered(P1, sent)));
        return Xids.zeroed(want);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void firstSynLeavesWithMss1360AndAValidChecksum(OFVersion v) {
        EngineHarness h = clamping1360(v);
        List<OFMessage> out = h.packetIn(P1, synFromH1(SYN, linuxOptions(1460)));

        byte[] clamped = synFromH1(SYN, linuxOptions(1360));
        assertEquals(firstPacketAnswer(h, clamped), Xids.zeroed(out));
        byte[] sent = ((OFPacketOut) out.get(out.size() - 1)).getData();
        assertArrayEquals(clamped, sent);
        assertEquals(0x0550, (sent[34 + 22] & 0xff) << 8 | sent[34 + 23] & 0xff);
        assertTrue(SynFramesForTest.tcpChecksumValid(sent));
        assertTrue(SynFramesForTest.ipChecksumValid(sent));
        assertEquals(1, h.counter("nat.tcp.mss_clamped"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void mssAlreadyBelowTheClampIsUntouched(OFVersion v) {
        EngineHarness h = clamping1360(v);
        byte[] syn = synFromH1(SYN, linuxOptions(1200));
        List<OFMessage> out = h.packetIn(P1, syn);
        assertEquals(firstPacketAnswer(h, syn), Xids.zeroed(out));
        assertEquals(0, h.counter("nat.tcp.mss_clamped"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void synWithoutAnMssOptionIsUntouched(OFVersion v) {
        EngineHarness h = clamping1360(v);
        byte[] syn = synFromH1(SYN, bytes(1, 1, 4, 2));
        List<OFMessage> out = h.packetIn(P1, syn);
        assertEquals(firstPacketAnswer(h, syn), Xids.zeroed(out));
        assertEquals(0, h.counter("nat.tcp.mss_clamped"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void malformedOptionsAreSentAsTheyCameAndCounted(OFVersion v) {
        EngineHarness h = clamping1360(v);
        // an option of length 0 before the MSS: the list cannot be walked safely
        byte[] syn = synFromH1(SYN, bytes(8, 0, 2, 4, 0x05, 0xb4, 1, 1));
        List<OFMessage> out = h.packetIn(P1, syn);
        assertEquals(firstPacketAnswer(h, syn), Xids.zeroed(out));
        assertEquals(1, h.counter("nat.tcp.mss_options_malformed"));
        assertEquals(0, h.counter("nat.tcp.mss_clamped"));
        assertEquals(1, h.counter("nat.binding_created"), "the connection itself is translated as usual");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void clampOffLeavesTheSynAlone(OFVersion v) {
        EngineHarness h = clamping(v, OptionalInt.empty());
        byte[] syn = synFromH1(SYN, linuxOptions(1460));
        List<OFMessage> out = h.packetIn(P1, syn);
        assertEquals(firstPacketAnswer(h, syn), Xids.zeroed(out));
        assertEquals(0, h.counter("nat.tcp.mss_clamped"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void segmentsOtherThanSynsAreNotLookedAt(OFVersion v) {
        EngineHarness h = clamping1360(v);
        // an ACK that carries an MSS option (never valid, but not the controller's business)
        byte[] ack = synFromH1(ACK, linuxOptions(1460));
        List<OFMessage> out = h.packetIn(P1, ack);
        assertEquals(firstPacketAnswer(h, ack), Xids.zeroed(out));
        assertEquals(0, h.counter("nat.tcp.mss_clamped") + h.counter("nat.tcp.mss_options_malformed"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aSynResentWhileTheBindingIsBeingInstalledIsClampedToo(OFVersion v) {
        EngineHarness h = clamping1360(v);
        h.packetIn(P1, synFromH1(SYN, linuxOptions(1460)));
        List<OFMessage> again = h.engine.onPacketIn(
                h.buildPacketIn(P1, synFromH1(SYN, linuxOptions(1460)), OFBufferId.NO_BUFFER), h.now);

        Binding b = h.engine.bindings().byInside(Protocol.TCP, Endpoint.of("10.0.0.11", 40000)).orElseThrow();
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        assertEquals(Xids.zeroed(List.of(c.forwardOutbound(b.spec(),
                PacketRef.unbuffered(P1, synFromH1(SYN, linuxOptions(1360)))))), Xids.zeroed(again));
        assertEquals(2, h.counter("nat.tcp.mss_clamped"));
    }

    /** A switch buffer holds the unclamped bytes: the clamped copy goes out as data and the buffer is freed. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBufferedSynIsSentAsDataAndItsBufferReleased(OFVersion v) {
        EngineHarness h = clamping1360(v);
        OFBufferId buffer = OFBufferId.of(77);
        byte[] syn = synFromH1(SYN, linuxOptions(1460));
        List<OFMessage> out = h.engine.onPacketIn(h.buildPacketIn(P1, syn, buffer), h.now);

        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        List<OFMessage> want = new ArrayList<>(firstPacketAnswer(h, synFromH1(SYN, linuxOptions(1360))));
        want.add(c.releaseBuffer(new PacketRef(P1, buffer, syn)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(out));
        OFPacketOut release = (OFPacketOut) out.get(out.size() - 1);
        assertEquals(buffer, release.getBufferId());
        assertEquals(List.of(), release.getActions(), "the buffered original is dropped");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBufferedSynThatNeedsNoClampStillGoesByBuffer(OFVersion v) {
        EngineHarness h = clamping1360(v);
        OFBufferId buffer = OFBufferId.of(78);
        List<OFMessage> out = h.engine.onPacketIn(
                h.buildPacketIn(P1, synFromH1(SYN, linuxOptions(1300)), buffer), h.now);
        OFPacketOut po = (OFPacketOut) out.get(out.size() - 1);
        assertEquals(buffer, po.getBufferId());
        assertEquals(0, po.getData().length);
    }

    /** The first SYN of a hairpinned connection (h1 to h2's public endpoint) is clamped as well. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theFirstSynOfAHairpinIsClamped(OFVersion v) {
        EngineHarness h = clamping1360(v);
        h.packetIn(P2, SynFramesForTest.segment(H2, GW_IN, "10.0.0.12", 8080, REMOTE, 80, SYN, linuxOptions(1360)));
        byte[] syn = SynFramesForTest.segment(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 8080, SYN,
                linuxOptions(1460));
        List<OFMessage> out = h.packetIn(P1, syn);

        Binding sender = h.engine.bindings().byInside(Protocol.TCP, Endpoint.of("10.0.0.11", 5000)).orElseThrow();
        Binding target = h.engine.bindings().byInside(Protocol.TCP, Endpoint.of("10.0.0.12", 8080)).orElseThrow();
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        HairpinSpec spec = new HairpinSpec(1, sender.spec(), target.spec());
        List<OFMessage> want = new ArrayList<>(
                c.installBinding(sender.spec(), sender.state() == BindingState.TRANSITORY ? HandshakeReport.INBOUND : HandshakeReport.NONE));
        want.addAll(c.installHairpin(spec));
        byte[] clamped = SynFramesForTest.segment(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 8080, SYN,
                linuxOptions(1360));
        want.add(c.forwardHairpin(spec, PacketRef.unbuffered(P1, clamped)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(out));
        assertTrue(SynFramesForTest.tcpChecksumValid(((OFPacketOut) out.get(out.size() - 1)).getData()));
        assertEquals(1, h.counter("nat.tcp.mss_clamped"), "h2's own SYN (MSS 1360) needed none");
    }
}
