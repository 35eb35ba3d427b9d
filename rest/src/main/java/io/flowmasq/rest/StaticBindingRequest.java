package io.flowmasq.rest;

/**
 * An operator's static mapping (POST /bindings), syntactically checked by the REST layer: addresses are
 * IPv4 literals, ports 1-65535, protocol "tcp" or "udp". {@code dpid} is null when the request names no
 * switch (allowed only when exactly one is configured). The controller checks the rest (its switch, its
 * public addresses, conflicts).
 */
public record StaticBindingRequest(Long dpid, String protocol, String insideAddress, int insidePort,
                                   String publicAddress, int publicPort) {
}
