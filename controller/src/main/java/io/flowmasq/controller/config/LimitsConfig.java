package io.flowmasq.controller.config;

/**
 * Flood protection of one switch (RFC 6888 quotas). Per inside host: at most {@code bindingsPerHost} bindings
 * (0: no limit, REQ-4) and a new-binding rate of {@code newBindingsPerSecond} with a bucket of
 * {@code newBindingsBurst} (0: no limit); a host over its rate is put in the switch's penalty box for
 * {@code penaltySeconds} (0: refused on the controller only). Per switch: at most {@code packetInsPerSecond}
 * packet-ins (bucket {@code packetInBurst}) enter the engine (0: no budget), and on OpenFlow 1.3 the switch
 * meters new inside flows to {@code meterPacketsPerSecond} (bucket {@code meterBurst}; 0: no meter).
 */
public record LimitsConfig(int bindingsPerHost, int newBindingsPerSecond, int newBindingsBurst, int penaltySeconds,
                           int packetInsPerSecond, int packetInBurst, int meterPacketsPerSecond, int meterBurst) {
    /**
     * Defaults that a normal host never meets: 16384 bindings is four times what a busy browser plus a
     * BitTorrent client hold and 1/4 of one public address's ports; 1000 new bindings/s with a burst of 2000
     * covers a web page that opens hundreds of connections at once and a host opening short connections as
     * fast as the end-to-end benchmark does (about 700/s, bench/README.md). The switch-wide numbers are well above one controller's
     * steady load on these machines (bench/README.md) and only cap a flood.
     */
    public static final LimitsConfig DEFAULT = new LimitsConfig(16_384, 1_000, 2_000, 5, 20_000, 20_000, 10_000, 10_000);
    /** Everything off (benchmarks, tools). */
    public static final LimitsConfig OFF = new LimitsConfig(0, 0, 1, 0, 0, 1, 0, 1);

    public LimitsConfig {
        check("bindingsPerHost", bindingsPerHost, 0);
        check("newBindingsPerSecond", newBindingsPerSecond, 0);
        check("newBindingsBurst", newBindingsBurst, 1);
        check("penaltySeconds", penaltySeconds, 0);
        if (penaltySeconds > 65535) {
            throw new IllegalArgumentException("penaltySeconds out of range: " + penaltySeconds);
        }
        check("packetInsPerSecond", packetInsPerSecond, 0);
        check("packetInBurst", packetInBurst, 1);
        check("meterPacketsPerSecond", meterPacketsPerSecond, 0);
        check("meterBurst", meterBurst, 1);
    }

    public boolean quotaOn() {
        return bindingsPerHost > 0;
    }

    public boolean hostRateOn() {
        return newBindingsPerSecond > 0;
    }

    public boolean budgetOn() {
        return packetInsPerSecond > 0;
    }

    public boolean meterOn() {
        return meterPacketsPerSecond > 0;
    }

    public LimitsConfig withBindingsPerHost(int n) {
        return new LimitsConfig(n, newBindingsPerSecond, newBindingsBurst, penaltySeconds, packetInsPerSecond,
                packetInBurst, meterPacketsPerSecond, meterBurst);
    }

    public LimitsConfig withHostRate(int perSecond, int burst, int penalty) {
        return new LimitsConfig(bindingsPerHost, perSecond, burst, penalty, packetInsPerSecond, packetInBurst,
                meterPacketsPerSecond, meterBurst);
    }

    public LimitsConfig withBudget(int perSecond, int burst) {
        return new LimitsConfig(bindingsPerHost, newBindingsPerSecond, newBindingsBurst, penaltySeconds, perSecond,
                burst, meterPacketsPerSecond, meterBurst);
    }

    public LimitsConfig withMeter(int perSecond, int burst) {
        return new LimitsConfig(bindingsPerHost, newBindingsPerSecond, newBindingsBurst, penaltySeconds,
                packetInsPerSecond, packetInBurst, perSecond, burst);
    }

    private static void check(String field, int value, int min) {
        if (value < min || value > LimitsReader.MAX) {
            throw new IllegalArgumentException(field + " out of range: " + value);
        }
    }
}
