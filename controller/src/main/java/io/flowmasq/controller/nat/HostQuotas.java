package io.flowmasq.controller.nat;

import io.flowmasq.controller.config.LimitsConfig;
import io.flowmasq.flowcompiler.PenaltySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per inside host limits on new bindings (RFC 6888 REQ-4): a rate (token bucket per host) and a maximum
 * number of bindings. Every new-binding attempt takes a token, whether or not the host is at its quota, so
 * that a host hammering at its quota is boxed like any other flooder. A host over its rate goes into the
 * penalty box: the engine installs a drop flow for it on the switch ({@link #takeNewPenalties}), renewed
 * when the host still floods after it expires. Refusals never touch live bindings.
 */
final class HostQuotas {
    private static final Logger LOG = LoggerFactory.getLogger(HostQuotas.class);
    /** At most one WARN per host and reason in this interval, saying how many refusals it stands for. */
    static final long LOG_INTERVAL_MS = 10_000;

    private final LimitsConfig limits;
    private final String switchName;
    private final CounterSink counters;
    private final RateLimiter<IPv4Address> rates;
    private final LogThrottle<IPv4Address> rateLog = new LogThrottle<>(LOG_INTERVAL_MS);
    private final LogThrottle<IPv4Address> quotaLog = new LogThrottle<>(LOG_INTERVAL_MS);
    private final Map<IPv4Address, Long> boxedUntil = new HashMap<>();
    private final List<PenaltySpec> newPenalties = new ArrayList<>();

    HostQuotas(LimitsConfig limits, String switchName, CounterSink counters) {
        this.limits = limits;
        this.switchName = switchName;
        this.counters = counters;
        this.rates = limits.hostRateOn()
                ? new RateLimiter<>(limits.newBindingsPerSecond(), limits.newBindingsBurst()) : null;
    }

    /**
     * Whether {@code host} (on {@code port}, behind the gateway MAC {@code gatewayMac}), which has
     * {@code bindings} bindings now, may have one more; a refusal is counted and logged at a bounded rate.
     */
    boolean admit(IPv4Address host, OFPort port, MacAddress gatewayMac, int bindings, long now) {
        if (rates != null && !rates.tryAcquire(host, now)) {
            counters.increment("nat.refused.host_rate");
            boolean boxed = box(host, port, gatewayMac, now);
            long refused = rateLog.due(host, now);
            if (refused > 0) {
                LOG.warn("switch {}: inside host {} is over its new-binding rate ({}/s, burst {}): {} new flow(s)"
                        + " refused since the last report{}", switchName, host, limits.newBindingsPerSecond(),
                        limits.newBindingsBurst(), refused,
                        boxed ? "; its new flows are dropped by the switch for " + limits.penaltySeconds() + " s" : "");
            }
            return false;
        }
        if (limits.quotaOn() && bindings >= limits.bindingsPerHost()) {
            counters.increment("nat.refused.host_quota");
            long refused = quotaLog.due(host, now);
            if (refused > 0) {
                LOG.warn("switch {}: inside host {} has its quota of {} bindings: {} new flow(s) refused since the"
                        + " last report; no binding evicted", switchName, host, limits.bindingsPerHost(), refused);
            }
            return false;
        }
        return true;
    }

    /** Puts the host in the box unless it is in already; true when it is in the box now. */
    private boolean box(IPv4Address host, OFPort port, MacAddress gatewayMac, long now) {
        if (limits.penaltySeconds() == 0) {
            return false;
        }
        Long until = boxedUntil.get(host);
        if (until != null && until > now) {
            return true; // packet-ins that were on their way before the flow went in
        }
        boxedUntil.put(host, now + limits.penaltySeconds() * 1000L);
        newPenalties.add(new PenaltySpec(port, gatewayMac, host, limits.penaltySeconds()));
        counters.increment("nat.penalty_box");
        return true;
    }

    /** The penalty flows to install since the last call. */
    List<PenaltySpec> takeNewPenalties() {
        if (newPenalties.isEmpty()) {
            return List.of();
        }
        List<PenaltySpec> out = List.copyOf(newPenalties);
        newPenalties.clear();
        return out;
    }

    /** Whether the host's penalty flow is (as far as the controller knows) still on the switch. */
    boolean boxed(IPv4Address host, long now) {
        Long until = boxedUntil.get(host);
        return until != null && until > now;
    }

    /** Forgets boxes whose hard timeout has passed (the switch removed the flow by itself). */
    void expire(long now) {
        for (Iterator<Long> it = boxedUntil.values().iterator(); it.hasNext(); ) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }
}
