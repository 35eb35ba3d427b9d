package io.flowmasq.controller.fuzz;

import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The addresses and ports the generated frames use. They must match the controller's configuration of
 * the fuzzed switch, or every frame is refused at the first check and the deep paths go untested.
 *
 * @param insideBase the first inside host address (hosts are {@code insideBase + 0 .. insideHosts-1})
 * @param remotes outside hosts the inside hosts talk to (RFC 5737 addresses)
 */
public record FuzzNetwork(IPv4Address insideBase, int insideHosts, IPv4Address gateway, MacAddress gatewayInsideMac,
                          List<Integer> insidePorts, IPv4Address publicAddress, MacAddress gatewayOutsideMac,
                          IPv4Address nextHop, MacAddress nextHopMac, List<IPv4Address> remotes, int outsidePort) {
    public FuzzNetwork {
        insidePorts = List.copyOf(insidePorts);
        remotes = List.copyOf(remotes);
        if (insideHosts < 1 || insidePorts.isEmpty() || remotes.isEmpty()) {
            throw new IllegalArgumentException("need inside hosts, inside ports and remotes");
        }
    }

    /** The network of the engine tests (EngineHarness) and of the in-process channel test. */
    public static FuzzNetwork standard() {
        return new FuzzNetwork(IPv4Address.of("10.0.0.11"), 8, IPv4Address.of("10.0.0.1"),
                MacAddress.of("02:f1:00:00:00:01"), List.of(1, 2), IPv4Address.of("203.0.113.1"),
                MacAddress.of("02:f1:00:00:00:02"), IPv4Address.of("203.0.113.10"),
                MacAddress.of("00:00:00:00:00:aa"),
                List.of(IPv4Address.of("198.51.100.20"), IPv4Address.of("198.51.100.21"),
                        IPv4Address.of("192.0.2.7")), 3);
    }

    IPv4Address insideHost(int i) {
        return IPv4Address.of(insideBase.getInt() + Math.floorMod(i, insideHosts));
    }

    static MacAddress hostMac(IPv4Address a) {
        return MacAddress.of(0x0000_0200_0000_0000L | (a.getInt() & 0xffffffffL));
    }
}
