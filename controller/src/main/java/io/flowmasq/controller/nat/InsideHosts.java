package io.flowmasq.controller.nat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Where each inside host was last seen: its switch port and MAC, learned from the ARP and IPv4 packets
 * the controller receives from it. Static bindings need this to send inbound traffic to a host that has
 * not itself started a flow. Entries expire like ARP entries; time is the caller's (ms).
 */
final class InsideHosts {
    record Location(OFPort port, MacAddress mac) {
    }

    private record Entry(Location location, long expiresAt) {
    }

    private final long lifetimeMillis;
    private final Map<IPv4Address, Entry> hosts = new HashMap<>();

    InsideHosts(long lifetimeMillis) {
        this.lifetimeMillis = lifetimeMillis;
    }

    void learn(IPv4Address ip, OFPort port, MacAddress mac, long now) {
        hosts.put(ip, new Entry(new Location(port, mac), now + lifetimeMillis));
    }

    Optional<Location> locate(IPv4Address ip, long now) {
        Entry e = hosts.get(ip);
        if (e == null || e.expiresAt <= now) {
            return Optional.empty();
        }
        return Optional.of(e.location);
    }

    /** Drops expired entries, so the table stays as large as the set of live hosts. */
    void expire(long now) {
        hosts.values().removeIf(e -> e.expiresAt <= now);
    }
}
