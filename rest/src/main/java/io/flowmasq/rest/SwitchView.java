package io.flowmasq.rest;

/** One connected switch. {@code configured} is false for a switch that is not in the config (it gets no NAT flows). */
public record SwitchView(String dpid, String name, String version, String remoteAddress, String connectedSince,
                         boolean configured, int bindings) {
}
