package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.BindingState;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.rest.BindingView;
import io.flowmasq.rest.TrafficView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class BindingViewsTest {
    private static final long T0 = 1_764_072_000_000L; // 2025-11-25T12:00:00Z
    private final ManagedSwitch sw = new ManagedSwitch(SessionFixtures.switchConfig(1, "s1"), (c, f) -> null, 10_000, SwitchMetrics.NONE);

    private static BindingSpec spec(int idle, RemoteFilter remote) {
        return new BindingSpec(7, Protocol.UDP, Endpoint.of("10.0.0.11", 5000), Endpoint.of("203.0.113.1", 6000),
                new L2Hop(SessionFixtures.P1, SessionFixtures.GW_IN, SessionFixtures.H1),
                new L2Hop(SessionFixtures.OUT, SessionFixtures.GW_OUT, SessionFixtures.ROUTER), idle, remote);
    }

    private static TrafficTable polled(long at, long packetsOut) {
        return TrafficTable.EMPTY.next(List.of(new TrafficTable.FlowCounter(7, true, packetsOut, packetsOut * 100),
                new TrafficTable.FlowCounter(7, false, 2, 200)), 5, at);
    }

    @Test
    void withoutStatisticsNothingIsGuessed() {
        Binding b = new Binding(spec(300, null), T0, BindingState.ACTIVE);
        assertEquals(new BindingView(7, "00:00:00:00:00:00:00:01", "s1", "udp", "10.0.0.11", 5000, "203.0.113.1",
                6000, null, "active", "dynamic", 42, 300, null, "0xf101000000000007", null, List.of()),
                BindingViews.of(sw, b, TrafficTable.EMPTY, List.of(), T0 + 42_900));
    }

    @Test
    void idleTimeLeftCountsFromTheLastPollThatSawOutboundPackets() {
        Binding b = new Binding(spec(300, new RemoteFilter(IPv4Address.of("198.51.100.7"), 53)), T0,
                BindingState.ACTIVE);
        TrafficTable first = polled(T0 + 10_000, 3);
        TrafficTable second = first.next(List.of(new TrafficTable.FlowCounter(7, true, 3, 300)), 5, T0 + 20_000);
        BindingView v = BindingViews.of(sw, b, second, List.of(), T0 + 25_000);
        assertEquals(285L, v.idleSecondsLeft(), "300 s from the poll at +10 s, when outbound last moved");
        assertEquals(new TrafficView(3, 300, 0, 0, "2025-11-25T12:00:20Z", 5), v.traffic());
        assertEquals("198.51.100.7:53", v.remote());
        assertEquals(0L, BindingViews.of(sw, b, second, List.of(), T0 + 400_000).idleSecondsLeft(), "never negative");
    }

    @Test
    void aStaticBindingHasNoIdleTimeLeft() {
        Binding b = new Binding(spec(0, null), T0, BindingState.ACTIVE, Binding.Origin.STATIC);
        BindingView v = BindingViews.of(sw, b, polled(T0 + 10_000, 3), List.of(), T0 + 11_000);
        assertEquals("static", v.origin());
        assertEquals(0, v.idleTimeoutSeconds());
        assertNull(v.idleSecondsLeft());
        assertEquals(new TrafficView(3, 300, 2, 200, "2025-11-25T12:00:10Z", 1), v.traffic());
    }
}
