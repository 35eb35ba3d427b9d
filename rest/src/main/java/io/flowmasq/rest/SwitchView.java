package io.flowmasq.rest;

import java.util.List;

/**
 * One switch the controller knows: connected now, or configured and seen before.
 *
 * @param configured   false for a switch that is not in the config (it gets no NAT flows)
 * @param connected    whether its OpenFlow channel is up
 * @param flows        flows in its tables at the last statistics poll; null before the first
 * @param capabilities what this switch's OpenFlow version lets flowmasq do, e.g. "tcp_flags",
 *                     "invalid_ttl_to_controller", "flow_removed", "cookie_mask"
 */
public record SwitchView(String dpid, String name, String version, String remoteAddress, String connectedSince,
                         boolean configured, boolean connected, int bindings, Integer flows,
                         List<PortView> ports, List<String> capabilities) {
    public SwitchView {
        ports = ports == null ? List.of() : List.copyOf(ports);
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }

    /** A switch port as the switch described it; {@code role} is "inside", "outside" or null. */
    public record PortView(long number, String name, String mac, boolean up, String role) {
    }
}
