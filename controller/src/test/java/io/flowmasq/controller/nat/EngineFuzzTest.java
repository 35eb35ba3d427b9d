package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.fuzz.FrameMutator;
import io.flowmasq.controller.fuzz.FuzzFrames;
import io.flowmasq.controller.fuzz.FuzzNetwork;
import io.flowmasq.flowcompiler.Cookies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * A seeded fuzzer for the pure engine: 100,000 events per OpenFlow version, mostly packet-ins of valid
 * frames of every kind (from inside and outside) of which most are then broken by {@link FrameMutator},
 * with FLOW_REMOVED reports for live bindings and clock ticks in between. Every event must return
 * without an exception, every message the engine emits must serialise with Loxi, and the binding table
 * must stay consistent with the port allocator. A failure names the seed and the iteration; each
 * iteration's randomness depends only on both, so {@code -Dfuzz.seed=S} with a breakpoint at iteration
 * I replays it.
 */
class EngineFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 0x5EED_F1A5L);
    static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 100_000);
    private static final OFPort[] PORTS = {OFPort.of(1), OFPort.of(2), OFPort.of(3), OFPort.of(7), OFPort.LOCAL};

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_10"})
    void engineSurvivesMutatedInput(OFVersion version) {
        SwitchConfig config = EngineHarness.config(new PortRange(40000, 40063), TimerConfig.RFC, OptionalInt.of(1400));
        EngineHarness h = new EngineHarness(version, config).connected();
        FuzzFrames frames = new FuzzFrames(FuzzNetwork.standard());
        ByteBuf wire = Unpooled.buffer(4096);
        long packetIns = h.counter("nat.packet_in"); // the router's ARP answer
        int maxBindings = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            Random r = new Random(SEED * 0x9E3779B97F4A7C15L + i);
            String what = "";
            try {
                List<OFMessage> out;
                int event = r.nextInt(100);
                if (event < 2) {
                    h.now += 1 + r.nextInt(r.nextInt(10) == 0 ? 400_000 : 3_000);
                    what = "tick at " + h.now;
                    out = h.engine.onTick(h.now);
                } else if (event < 6) {
                    long id = someBindingId(h, r);
                    what = "flow removed of " + id;
                    out = h.engine.onFlowRemoved(h.factory.buildFlowRemoved()
                            .setCookie(Cookies.binding(id))
                            .setMatch(h.factory.buildMatch().setExact(MatchField.IN_PORT, PORTS[r.nextInt(3)]).build())
                            .setReason(OFFlowRemovedReason.values()[r.nextInt(3)])
                            .build(), h.now);
                } else {
                    FuzzFrames.Frame f = frames.next(r);
                    byte[] bytes = r.nextInt(10) < 3 ? f.bytes() : FrameMutator.mutate(r, f.bytes());
                    OFPort port = r.nextInt(50) == 0 ? PORTS[r.nextInt(PORTS.length)] : OFPort.of(f.inPort());
                    U64 cookie = version != OFVersion.OF_10 && r.nextInt(10) == 0 ? Cookies.binding(someBindingId(h, r))
                            : U64.ZERO;
                    OFBufferId buffer = r.nextInt(5) == 0 ? OFBufferId.of(r.nextInt(1 << 20)) : OFBufferId.NO_BUFFER;
                    what = "packet-in on " + port + " cookie " + cookie + " frame " + ByteBufUtil.hexDump(bytes);
                    OFPacketIn in = h.buildPacketIn(port, bytes, buffer, cookie);
                    if (version != OFVersion.OF_10 && r.nextInt(200) == 0) { // a match without IN_PORT
                        in = in.createBuilder().setMatch(h.factory.buildMatch().build()).build();
                    }
                    out = h.engine.onPacketIn(in, h.now);
                    packetIns++;
                }
                for (OFMessage m : out) {
                    wire.clear();
                    m.writeTo(wire);
                }
                if (i % 64 == 0) {
                    checkInvariants(h);
                }
                maxBindings = Math.max(maxBindings, h.engine.bindings().size());
            } catch (Throwable e) {
                throw new AssertionError(version + ": fuzz seed 0x" + Long.toHexString(SEED) + " iteration " + i
                        + " (" + what + "): " + e, e);
            }
        }
        checkInvariants(h);
        // every packet-in is accounted for: handled, or refused before parsing (no in-port, over the budget)
        assertEquals(packetIns, h.counter("nat.packet_in") + h.counter("nat.malformed.no_in_port")
                + h.counter("openflow.packet_in_dropped.budget"));
        long malformed = h.counters.entrySet().stream().filter(e -> e.getKey().startsWith("nat.malformed."))
                .mapToLong(e -> e.getValue()).sum();
        // the run must have reached both the parser's refusals and the deep paths, or it tested little
        assertTrue(malformed > ITERATIONS / 10, "malformed " + malformed + " in " + h.counters);
        assertTrue(h.counter("nat.binding_created") > 100, "bindings created: " + h.counters);
        assertTrue(h.counter("nat.icmp.error_in") + h.counter("nat.icmp.error_out") > 0, "ICMP errors: " + h.counters);
        assertTrue(h.counter("nat.fragment.out") > 0 && h.counter("nat.fragment.in") > 0, "fragments: " + h.counters);
        assertTrue(maxBindings > 0);
    }

    private static long someBindingId(EngineHarness h, Random r) {
        List<Binding> all = new ArrayList<>(h.engine.bindings().all());
        return all.isEmpty() || r.nextInt(8) == 0 ? 1 + r.nextInt(1000) : all.get(r.nextInt(all.size())).id();
    }

    /** Every binding is findable by id and inside endpoint, and its public port is taken in the allocator. */
    private static void checkInvariants(EngineHarness h) {
        for (Binding b : h.engine.bindings().all()) {
            assertTrue(h.engine.bindings().byId(b.id()).isPresent(), "byId lost " + b);
            assertTrue(h.engine.bindings().byInside(b.protocol(), b.inside()).isPresent(), "byInside lost " + b);
            assertTrue(h.engine.allocator().isTaken(b.protocol(), b.external()), "port of " + b + " is free");
        }
    }
}
