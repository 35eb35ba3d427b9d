package io.flowmasq.rest;

import java.util.List;
import java.util.Map;

/** A NatService whose answers the test sets; {@code failure}, when set, is thrown by every call. */
final class FakeNatService implements NatService {
    static final BindingView TCP_A = new BindingView(1, "00:00:00:00:00:00:00:01", "tcp", "10.0.0.5", 40000,
            "203.0.113.1", 61000, "ACTIVE", 12, 300, "0x0100000000000001");
    static final BindingView UDP_B = new BindingView(2, "00:00:00:00:00:00:00:01", "udp", "10.0.0.6", 5353,
            "203.0.113.1", 61001, "ACTIVE", 3, 60, "0x0100000000000002", "198.51.100.7:*");
    static final BindingView ICMP_A = new BindingView(3, "00:00:00:00:00:00:00:02", "icmp", "10.0.0.5", 7,
            "203.0.113.2", 1024, "ACTIVE", 1, 10, "0x0200000000000003");
    static final SwitchView S1 = new SwitchView("00:00:00:00:00:00:00:01", "edge-1", "OF_13", "192.0.2.10:50432",
            "2024-05-01T10:00:00Z", true, 2);
    static final SwitchView UNCONFIGURED = new SwitchView("00:00:00:00:00:00:00:09", null, "OF_10",
            "192.0.2.11:50433", "2024-05-01T10:05:00Z", false, 0);

    volatile boolean ready = true;
    volatile List<BindingView> bindings = List.of(TCP_A, UDP_B, ICMP_A);
    volatile List<SwitchView> switches = List.of(S1, UNCONFIGURED);
    volatile Map<String, Long> counters = Map.of("packet_in", 42L, "bindings_created", 7L, "errors.table_full", 1L);
    volatile RuntimeException failure;

    @Override
    public List<BindingView> bindings() {
        failIfAsked();
        return bindings;
    }

    @Override
    public List<SwitchView> switches() {
        failIfAsked();
        return switches;
    }

    @Override
    public Map<String, Long> counters() {
        failIfAsked();
        return counters;
    }

    @Override
    public boolean ready() {
        failIfAsked();
        return ready;
    }

    private void failIfAsked() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }
}
