package io.flowmasq.controller.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the binding log (RFC 6888 REQ-12: a CGN logs each mapping it creates and removes, with enough to tell
 * which inside host held which public address and port when).
 *
 * @param event           {@value #CREATED} or {@value #REMOVED}
 * @param switchName      the configured name of the switch; may be null
 * @param insidePort      for ICMP query bindings, the identifier
 * @param remote          the remote endpoint ("198.51.100.7:443") for endpoint-dependent bindings; null otherwise
 * @param origin          "dynamic" or "static"
 * @param reason          null for {@value #CREATED}; required for {@value #REMOVED} (idle_timeout, deleted_by_operator, …)
 * @param durationSeconds lifetime of the binding; null when created or unknown
 * @param packetsOut      flow counters at removal; each null when unknown (e.g. the switch did not report them)
 */
public record BindingEvent(
        Instant time,
        String event,
        String dpid,
        String switchName,
        long bindingId,
        String protocol,
        String insideAddress,
        int insidePort,
        String publicAddress,
        int publicPort,
        String remote,
        String origin,
        String reason,
        Long durationSeconds,
        Long packetsOut,
        Long bytesOut,
        Long packetsIn,
        Long bytesIn) {

    public static final String CREATED = "created";
    public static final String REMOVED = "removed";

    public BindingEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(insideAddress, "insideAddress");
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(origin, "origin");
        if (event.equals(CREATED)) {
            if (reason != null) {
                throw new IllegalArgumentException("a created event has no reason, got " + reason);
            }
        } else if (event.equals(REMOVED)) {
            Objects.requireNonNull(reason, "reason of a removed event");
        } else {
            throw new IllegalArgumentException("event must be created or removed, got " + event);
        }
        checkPort("insidePort", insidePort);
        checkPort("publicPort", publicPort);
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be 0..65535, got " + port);
        }
    }
}
