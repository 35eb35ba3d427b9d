package io.flowmasq.flowcompiler;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;

/** An IPv4 transport address (address and 16-bit port). */
public record Endpoint(IPv4Address address, int port) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static Endpoint of(String address, int port) {
        return new Endpoint(IPv4Address.of(address), port);
    }

    /**
     * Address and port spread over all 32 bits. The record's own hash (31 * address + port) gives
     * (a, p) and (a + 1, p - 31) the same value, common among inside hosts' ephemeral ports and among
     * consecutive public addresses; the binding table's maps then treeify those buckets, and a tree of
     * keys that are not Comparable is searched linearly (seen in the load generator's profile).
     */
    @Override
    public int hashCode() {
        long x = (((long) address.getInt() << 16) | port) * 0x9E3779B97F4A7C15L; // injective before the fold
        return (int) (x ^ (x >>> 32));
    }

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
