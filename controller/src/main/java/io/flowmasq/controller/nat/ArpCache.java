package io.flowmasq.controller.nat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** IPv4 → MAC with expiry; time is the caller's (ms). */
public final class ArpCache {
    private record Entry(MacAddress mac, long expiresAt) {
    }

    private final long lifetimeMillis;
    private final Map<IPv4Address, Entry> entries = new HashMap<>();

    public ArpCache(long lifetimeMillis) {
        this.lifetimeMillis = lifetimeMillis;
    }

    public void learn(IPv4Address ip, MacAddress mac, long now) {
        entries.put(ip, new Entry(mac, now + lifetimeMillis));
    }

    public Optional<MacAddress> lookup(IPv4Address ip, long now) {
        Entry e = entries.get(ip);
        if (e == null || e.expiresAt <= now) {
            return Optional.empty();
        }
        return Optional.of(e.mac);
    }

    /** True when the entry is missing or expires within {@code marginMillis}: time to ask again. */
    public boolean needsRefresh(IPv4Address ip, long now, long marginMillis) {
        Entry e = entries.get(ip);
        return e == null || e.expiresAt - marginMillis <= now;
    }
}
