package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.EffectiveConfig;
import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.config.ListenConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.BindingListener;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.rest.BindingView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * Listings taken while a switch's engine creates and removes bindings at full speed on another thread
 * are consistent: the driver creates bindings in pairs (inside ports 2k and 2k+1) in one engine event and
 * removes them in pairs in one event, so every listing must hold whole pairs only, in id order.
 */
class SnapshotConsistencyTest {
    /**
     * One inside host churns ~1000 bindings a second of fake time: its per-host rate limit is off, and so is
     * the port reuse delay (tens of thousands of ports released within 120 s of fake time would exhaust the
     * range; what this test checks is the listing, not the allocator).
     */
    private static final SwitchConfig S1 = SessionFixtures.switchConfig(1, "s1")
            .withLimits(io.flowmasq.controller.config.LimitsConfig.OFF)
            .withPortReuseDelaySeconds(0);

    @Test
    void listingsHoldWholePairsWhileBindingsChurn() throws Exception {
        FakeClock clock = new FakeClock(1_700_000_000_000L);
        FlowmasqConfig config = new FlowmasqConfig(new ListenConfig("0.0.0.0", 6653),
                new ListenConfig("127.0.0.1", 8080), TimerConfig.RFC, List.of(S1));
        SwitchSessions sessions = new SwitchSessions(config, (sc, compiler) -> new NatEngine(sc, compiler,
                n -> { }, new BindingIds(), BindingListener.NONE), clock, SwitchMetrics.NONE);
        ControllerNatService service = new ControllerNatService(sessions, Map::of, clock,
                EffectiveConfig.toJson(config), new ManualScheduler(clock), new RateMeter(() -> 0, clock, 2));
        FakeSwitchConnection conn = new FakeSwitchConnection(DatapathId.of(1), OFVersion.OF_13);
        OFFactory f = conn.factory();
        var handler = sessions.connected(conn, f.buildFeaturesReply().setDatapathId(DatapathId.of(1)).build());
        SwitchRebuildTest.answerRebuild(conn, handler, List.of());
        handler.onMessage(SessionFixtures.packetIn(f, SessionFixtures.OUT, SessionFixtures.routerArpReply()));
        ManagedSwitch sw = sessions.managed().iterator().next();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger pairs = new AtomicInteger();
        AtomicReference<Throwable> driverFailure = new AtomicReference<>();
        Thread driver = new Thread(() -> {
            try {
                List<Long> live = new ArrayList<>();
                for (int k = 0; !stop.get(); k = (k + 1) % 2000) {
                    int first = 20_000 + 2 * k;
                    sw.handle(engine -> {
                        List<OFMessage> out = new ArrayList<>();
                        out.addAll(engine.onPacketIn(SessionFixtures.packetIn(f, SessionFixtures.P1,
                                SessionFixtures.udpFromH1(first)), clock.getAsLong()));
                        out.addAll(engine.onPacketIn(SessionFixtures.packetIn(f, SessionFixtures.P1,
                                SessionFixtures.udpFromH1(first + 1)), clock.getAsLong()));
                        return out;
                    });
                    live.addAll(idsOf(sw, first));
                    if (live.size() >= 200) { // keep ~100 pairs alive, remove the oldest pair in one event
                        long a = live.remove(0);
                        long b = live.remove(0);
                        sw.handle(engine -> {
                            List<OFMessage> out = new ArrayList<>(engine.deleteBinding(a, clock.getAsLong())
                                    .orElseThrow());
                            out.addAll(engine.deleteBinding(b, clock.getAsLong()).orElseThrow());
                            return out;
                        });
                    }
                    conn.take();
                    pairs.incrementAndGet();
                    clock.now = clock.now + 1; // time moves; ages and ARP stay valid
                }
            } catch (Throwable t) {
                driverFailure.set(t);
            }
        }, "churn");
        driver.start();
        int listings = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            while (System.nanoTime() < deadline && driverFailure.get() == null) {
                List<BindingView> listing = List.copyOf(service.bindings());
                assertWholePairsInOrder(listing);
                listings++;
            }
        } finally {
            stop.set(true);
            driver.join(10_000);
        }
        if (driverFailure.get() != null) {
            throw new AssertionError("driver failed", driverFailure.get());
        }
        assertTrue(listings > 50, "listings taken: " + listings);
        assertTrue(pairs.get() > 500, "pairs churned: " + pairs.get());
    }

    private static List<Long> idsOf(ManagedSwitch sw, int firstPort) {
        List<Long> out = new ArrayList<>();
        for (Binding b : sw.snapshot()) {
            if (b.inside().port() == firstPort || b.inside().port() == firstPort + 1) {
                out.add(b.id());
            }
        }
        assertEquals(2, out.size(), "a pair was created");
        return out;
    }

    private static void assertWholePairsInOrder(List<BindingView> listing) {
        Set<Integer> ports = new HashSet<>();
        long lastId = 0;
        for (BindingView b : listing) {
            assertTrue(b.id() > lastId, "ordered by id");
            lastId = b.id();
            ports.add(b.insidePort());
        }
        for (int port : ports) {
            int partner = port % 2 == 0 ? port + 1 : port - 1;
            assertTrue(ports.contains(partner), "binding for port " + port + " listed without its pair "
                    + partner + " in a listing of " + listing.size());
        }
    }
}
