package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static io.flowmasq.controller.nat.EngineHarness.ROUTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HairpinSpec;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.sim.ActionExecutor;
import io.flowmasq.flowcompiler.sim.SimPacket;
import io.flowmasq.flowcompiler.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IpProtocol;

/** RFC 4787 REQ-9 / RFC 5382 REQ-8: inside hosts reach each other through their public endpoints. */
class HairpinTest {
    private static final byte[] PAYLOAD = "hi".getBytes();

    /** h2 has a UDP binding 10.0.0.12:7000 -> 203.0.113.1:7000 (it talked to the outside first). */
    private static EngineHarness withTarget(OFVersion v) {
        EngineHarness h = new EngineHarness(v).connected();
        h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 7000, "198.51.100.7", 3478, PAYLOAD));
        return h;
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void senderReachesTargetWithItsExternalEndpointBothWaysOnTheSwitch(OFVersion v) {
        EngineHarness h = withTarget(v);
        byte[] frame = Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 7000, PAYLOAD);
        List<OFMessage> out = h.packetIn(P1, frame);

        Binding sender = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 5000)).orElseThrow();
        Binding target = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 7000)).orElseThrow();
        FlowCompiler c = FlowCompiler.forFactory(h.factory);
        HairpinSpec spec = new HairpinSpec(1, sender.spec(), target.spec());
        List<OFMessage> want = new ArrayList<>(c.installBinding(sender.spec()));
        want.addAll(c.installHairpin(spec));
        want.add(c.forwardHairpin(spec, PacketRef.unbuffered(P1, frame)));
        assertEquals(Xids.zeroed(want), Xids.zeroed(out));
        assertEquals(1, h.counter("nat.hairpin.created"));

        SimResult forward = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5000,
                "203.0.113.1", 7000));
        assertEquals(2, forward.only().port());
        assertEquals("203.0.113.1", forward.only().packet().ipv4Src().toString(), "external source (REQ-9)");
        assertEquals(5000, forward.only().packet().l4Src());
        assertEquals("10.0.0.12", forward.only().packet().ipv4Dst().toString());
        assertEquals(7000, forward.only().packet().l4Dst());
        assertEquals(H2, forward.only().packet().ethDst());
        assertEquals(GW_IN, forward.only().packet().ethSrc());

        SimResult reply = h.table.process(SimPacket.ipv4(P2, H2, GW_IN, IpProtocol.UDP, "10.0.0.12", 7000,
                "203.0.113.1", 5000));
        assertEquals(1, reply.only().port());
        assertEquals("203.0.113.1", reply.only().packet().ipv4Src().toString());
        assertEquals(7000, reply.only().packet().l4Src());
        assertEquals("10.0.0.11", reply.only().packet().ipv4Dst().toString());
        assertEquals(5000, reply.only().packet().l4Dst());
        assertEquals(H1, reply.only().packet().ethDst());

        // the target's traffic to the outside still leaves through its own binding
        SimResult outside = h.table.process(SimPacket.ipv4(P2, H2, GW_IN, IpProtocol.UDP, "10.0.0.12", 7000,
                "198.51.100.7", 3478));
        assertEquals(3, outside.only().port());
        assertEquals(ROUTER, outside.only().packet().ethDst());

        OFPacketOut first = (OFPacketOut) out.get(out.size() - 1);
        SimResult sent = ActionExecutor.execute(first.getActions(), SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP,
                "10.0.0.11", 5000, "203.0.113.1", 7000), null);
        assertEquals("10.0.0.12", sent.only().packet().ipv4Dst().toString(), "the first packet is not lost");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aSenderThatAlreadyHasABindingIsHairpinnedNotSentOutside(OFVersion v) {
        EngineHarness h = withTarget(v);
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "198.51.100.7", 53, PAYLOAD));
        SimResult before = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5000,
                "203.0.113.1", 7000));
        assertTrue(before.toController() && before.outputs().isEmpty(),
                "traffic to a public address is not caught by the sender's outbound flow");
        List<OFMessage> out = h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 7000, PAYLOAD));
        assertEquals(3, out.size(), "hairpin flows and the packet; the sender's binding is reused");
        SimResult after = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5000,
                "203.0.113.1", 7000));
        assertEquals(2, after.only().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPublicPortWithNoBindingIsDroppedAndCounted(OFVersion v) {
        EngineHarness h = withTarget(v);
        assertEquals(List.of(), h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 7001, PAYLOAD)));
        assertEquals(1, h.counter("nat.hairpin.no_target"));
        assertEquals(1, h.engine.bindings().size(), "no binding for the sender either");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theHairpinGoesWithTheTargetsBinding(OFVersion v) {
        EngineHarness h = withTarget(v);
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "203.0.113.1", 7000, PAYLOAD));
        Binding target = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 7000)).orElseThrow();
        h.now += 301_000;
        List<OFMessage> out = h.expire(Cookies.binding(target.id()).getValue());
        assertEquals(1, h.counter("nat.hairpin.removed"));
        assertTrue(h.table.entriesWithCookie(Cookies.hairpin(1).getValue()).isEmpty(), "hairpin flows deleted: " + out);
        SimResult r = h.table.process(SimPacket.ipv4(P1, H1, GW_IN, IpProtocol.UDP, "10.0.0.11", 5000,
                "203.0.113.1", 7000));
        assertTrue(r.outputs().isEmpty() && r.toController(), "back to the controller, not to h2 nor outside");
    }
}
