package io.flowmasq.controller.config;

import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.OptionalInt;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * One NAT switch, found by its datapath id. {@code timers} is the global set with this switch's overrides;
 * {@code mssClamp} is the MSS the controller clamps outbound SYNs to (empty: no clamping), "auto" already
 * resolved from the outside MTU; {@code filtering} who may send in to a mapping; {@code limits} the flood
 * protection (per-host quotas, packet-in budget, meter); {@code onTableFull} what the first packet of a binding
 * the switch's flow table had no room for gets; {@code portReuseDelaySeconds} how long a released public port
 * (or ICMP identifier) is kept from other inside endpoints; {@code rules} the NAT rule chain as loaded (never
 * empty; without a {@code rules} key one masquerade rule over everything, {@link #implicitRule}). A value: the
 * chain's validity is {@code RuleValidator}'s business, checked at load.
 */
public record SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                           PortRange portRange, TimerConfig timers, OptionalInt mssClamp, Filtering filtering,
                           Set<Integer> ftpPorts, LimitsConfig limits, TableFullPolicy onTableFull,
                           int portReuseDelaySeconds, List<Rule> rules) {
    /** The FTP control port the ALG watches when the config names none. */
    public static final Set<Integer> DEFAULT_FTP_PORTS = Set.of(21);

    /** The smallest MSS every IPv4 host must accept (RFC 9293: 576-byte datagrams less 40 bytes of headers). */
    public static final int MIN_MSS = 536;
    /** The largest IPv4 datagram less the IPv4 and TCP headers without options. */
    public static final int MAX_MSS = 65495;
    /** {@code mssClamp: "auto"} is the outside MTU less the IPv4 and TCP headers without options. */
    public static final int MSS_HEADERS = 40;
    /** RFC 7857 §3.3.2 (and RFC 6056 §3.5): a freed port waits two minutes before another endpoint gets it. */
    public static final int DEFAULT_PORT_REUSE_DELAY_SECONDS = 120;
    /** An hour: beyond that a busy NAT would mostly hold cooling ports. */
    public static final int MAX_PORT_REUSE_DELAY_SECONDS = 3600;
    /** The id of the rule a switch without {@code rules} gets. */
    public static final String IMPLICIT_RULE_ID = "masquerade";

    public SwitchConfig {
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(name, "name");
        inside = List.copyOf(inside);
        Objects.requireNonNull(outside, "outside");
        Objects.requireNonNull(portRange, "portRange");
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(mssClamp, "mssClamp");
        Objects.requireNonNull(filtering, "filtering");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(onTableFull, "onTableFull");
        ftpPorts = Set.copyOf(ftpPorts);
        for (int p : ftpPorts) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("ftp port out of range: " + p);
            }
        }
        if (mssClamp.isPresent() && (mssClamp.getAsInt() < MIN_MSS || mssClamp.getAsInt() > MAX_MSS)) {
            throw new IllegalArgumentException("mssClamp " + mssClamp.getAsInt() + " outside " + MIN_MSS + ".."
                    + MAX_MSS);
        }
        if (portReuseDelaySeconds < 0 || portReuseDelaySeconds > MAX_PORT_REUSE_DELAY_SECONDS) {
            throw new IllegalArgumentException("portReuseDelaySeconds " + portReuseDelaySeconds + " outside 0.."
                    + MAX_PORT_REUSE_DELAY_SECONDS);
        }
        rules = List.copyOf(rules);
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("a switch needs at least one rule");
        }
    }

    /** Today's behaviour as a rule: masquerade everything over {@code outside.publicAddresses}. */
    public static Rule implicitRule(int number) {
        return new Rule(IMPLICIT_RULE_ID, number, RuleMatch.ANY, new RuleForm.Masquerade(List.of()));
    }

    /** A switch with the {@link #implicitRule} numbered 1 (for callers that do not number rules). */
    public SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                        PortRange portRange, TimerConfig timers, OptionalInt mssClamp, Filtering filtering,
                        Set<Integer> ftpPorts, LimitsConfig limits, TableFullPolicy onTableFull,
                        int portReuseDelaySeconds) {
        this(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ftpPorts, limits, onTableFull,
                portReuseDelaySeconds, List.of(implicitRule(1)));
    }

    /** A switch with the default limits, {@link TableFullPolicy} and port reuse delay. */
    public SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                        PortRange portRange, TimerConfig timers, OptionalInt mssClamp, Filtering filtering,
                        Set<Integer> ftpPorts) {
        this(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ftpPorts, LimitsConfig.DEFAULT,
                TableFullPolicy.DEFAULT, DEFAULT_PORT_REUSE_DELAY_SECONDS);
    }

    /** A switch with endpoint-independent filtering (one pair of flows per mapping). */
    public SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                        PortRange portRange, TimerConfig timers, OptionalInt mssClamp) {
        this(dpid, name, inside, outside, portRange, timers, mssClamp, Filtering.ENDPOINT_INDEPENDENT);
    }

    /** A switch with the default FTP ALG port. */
    public SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                        PortRange portRange, TimerConfig timers, OptionalInt mssClamp, Filtering filtering) {
        this(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, DEFAULT_FTP_PORTS);
    }

    public SwitchConfig withFiltering(Filtering f) {
        return with(f, ftpPorts, limits, onTableFull, portReuseDelaySeconds);
    }

    public SwitchConfig withFtpPorts(Set<Integer> ports) {
        return with(filtering, ports, limits, onTableFull, portReuseDelaySeconds);
    }

    public SwitchConfig withLimits(LimitsConfig l) {
        return with(filtering, ftpPorts, l, onTableFull, portReuseDelaySeconds);
    }

    public SwitchConfig withOnTableFull(TableFullPolicy policy) {
        return with(filtering, ftpPorts, limits, policy, portReuseDelaySeconds);
    }

    public SwitchConfig withPortReuseDelaySeconds(int seconds) {
        return with(filtering, ftpPorts, limits, onTableFull, seconds);
    }

    public SwitchConfig withRules(List<Rule> r) {
        return new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ftpPorts, limits,
                onTableFull, portReuseDelaySeconds, r);
    }

    private SwitchConfig with(Filtering f, Set<Integer> ports, LimitsConfig l, TableFullPolicy policy, int delay) {
        return new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, f, ports, l, policy, delay,
                rules);
    }
}
