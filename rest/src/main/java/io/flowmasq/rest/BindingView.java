package io.flowmasq.rest;

/** One NAT binding as shown to operators. Addresses are dotted quads, times in seconds. */
public record BindingView(long id, String dpid, String protocol, String insideAddress, int insidePort,
                          String publicAddress, int publicPort, String state, long ageSeconds,
                          int idleTimeoutSeconds, String cookie) {
}
