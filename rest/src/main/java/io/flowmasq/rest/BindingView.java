package io.flowmasq.rest;

/**
 * One NAT binding as shown to operators. Addresses are dotted quads, times in seconds. {@code remote} is
 * the session's remote under dependent filtering ("198.51.100.7:80", or "198.51.100.7:*" for any port),
 * null under endpoint-independent filtering.
 */
public record BindingView(long id, String dpid, String protocol, String insideAddress, int insidePort,
                          String publicAddress, int publicPort, String state, long ageSeconds,
                          int idleTimeoutSeconds, String cookie, String remote) {
    /** A binding under endpoint-independent filtering. */
    public BindingView(long id, String dpid, String protocol, String insideAddress, int insidePort,
                       String publicAddress, int publicPort, String state, long ageSeconds,
                       int idleTimeoutSeconds, String cookie) {
        this(id, dpid, protocol, insideAddress, insidePort, publicAddress, publicPort, state, ageSeconds,
                idleTimeoutSeconds, cookie, null);
    }
}
