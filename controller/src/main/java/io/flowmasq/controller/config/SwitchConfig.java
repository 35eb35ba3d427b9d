package io.flowmasq.controller.config;

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
 * the switch's flow table had no room for gets.
 */
public record SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                           PortRange portRange, TimerConfig timers, OptionalInt mssClamp, Filtering filtering,
                           Set<Integer> ftpPorts, LimitsConfig limits, TableFullPolicy onTableFull) {
    /** The FTP control port the ALG watches when the config names none. */
    public static final Set<Integer> DEFAULT_FTP_PORTS = Set.of(21);

    /** The smallest MSS every IPv4 host must accept (RFC 9293: 576-byte datagrams less 40 bytes of headers). */
    public static final int MIN_MSS = 536;
    /** The largest IPv4 datagram less the IPv4 and TCP headers without options. */
    public static final int MAX_MSS = 65495;
    /** {@code mssClamp: "auto"} is the outside MTU less the IPv4 and TCP headers without options. */
    public static final int MSS_HEADERS = 40;

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
    }

    /** A switch with the default limits and {@link TableFullPolicy}. */
    public SwitchConfig(DatapathId dpid, String name, List<InsideConfig> inside, OutsideConfig outside,
                        PortRange portRange, TimerConfig timers, OptionalInt mssClamp, Filtering filtering,
                        Set<Integer> ftpPorts) {
        this(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ftpPorts, LimitsConfig.DEFAULT,
                TableFullPolicy.DEFAULT);
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
        return new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, f, ftpPorts, limits,
                onTableFull);
    }

    public SwitchConfig withFtpPorts(Set<Integer> ports) {
        return new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ports, limits,
                onTableFull);
    }

    public SwitchConfig withLimits(LimitsConfig l) {
        return new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ftpPorts, l,
                onTableFull);
    }

    public SwitchConfig withOnTableFull(TableFullPolicy policy) {
        return new SwitchConfig(dpid, name, inside, outside, portRange, timers, mssClamp, filtering, ftpPorts, limits,
                policy);
    }
}
