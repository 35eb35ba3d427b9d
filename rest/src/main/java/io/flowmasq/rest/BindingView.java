package io.flowmasq.rest;

import java.util.List;

/**
 * One NAT binding as shown to operators. Addresses are dotted quads; for ICMP the "port" is the query
 * identifier. Times are in seconds.
 *
 * @param id               unique across switches; also the low bits of the flows' cookie
 * @param dpid             the switch, "00:00:00:00:00:00:00:01"
 * @param switchName       the switch's name in the config
 * @param protocol         "tcp", "udp" or "icmp"
 * @param remote           the session's remote under dependent filtering ("198.51.100.7:80", or
 *                         "198.51.100.7:*" for any port); null under endpoint-independent filtering
 * @param state            TCP state ("transitory", "established", "closing") or "active" (UDP)
 * @param origin           "dynamic" (created by traffic) or "static" (created by an operator)
 * @param ageSeconds       since the binding was created
 * @param idleTimeoutSeconds the idle timeout of its flows; 0 for a static binding (never expires)
 * @param idleSecondsLeft  estimated seconds before it expires if no more traffic passes, from the last
 *                         flow statistics; null when unknown (no statistics yet) or static
 * @param cookie           the OpenFlow cookie of its flows, "0x..."
 * @param traffic          counters of its flows from the last statistics poll; null before the first
 * @param children         dependent state, e.g. FTP data-connection expectations; empty when none
 */
public record BindingView(long id, String dpid, String switchName, String protocol,
                          String insideAddress, int insidePort, String publicAddress, int publicPort,
                          String remote, String state, String origin, long ageSeconds, int idleTimeoutSeconds,
                          Long idleSecondsLeft, String cookie, TrafficView traffic, List<ChildView> children) {
    public BindingView {
        children = children == null ? List.of() : List.copyOf(children);
    }
}
