package io.flowmasq.controller.config;

import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code timers} object: an optional {@code profile} picks the starting values, and each
 * field written overrides one of them. The global object starts from the RFC profile, a switch's
 * object from the global result.
 */
final class TimerReader {
    /** RFC 4787 REQ-5: a UDP mapping timer must not expire in less than two minutes. */
    static final int UDP_MINIMUM_SECONDS = 120;

    private static final Map<String, TimerConfig> PROFILES = Map.of(
            TimerConfig.RFC.profile(), TimerConfig.RFC,
            TimerConfig.LINUX_MASQUERADE.profile(), TimerConfig.LINUX_MASQUERADE);
    private static final Set<String> FIELDS = Set.of("profile", "tcpEstablished", "tcpTransitory", "udp", "icmp");

    private TimerReader() {
    }

    /** The timers at {@code node} applied over {@code base}; {@code base} itself when absent; null when wrong. */
    static TimerConfig read(ConfigNode node, TimerConfig base) {
        if (node == null) {
            return base;
        }
        ConfigObject timers = node.object(FIELDS);
        if (timers == null) {
            return null;
        }
        ConfigNode profileNode = timers.optional("profile");
        TimerConfig start = profileNode == null ? base : profile(profileNode);
        boolean valid = start != null;
        if (start == null) {
            start = base; // still check the other fields against something
        }
        Integer tcpEstablished = seconds(timers.optional("tcpEstablished"), start.tcpEstablished());
        Integer tcpTransitory = seconds(timers.optional("tcpTransitory"), start.tcpTransitory());
        ConfigNode udpNode = timers.optional("udp");
        Integer udp = seconds(udpNode, start.udp());
        Integer icmp = seconds(timers.optional("icmp"), start.icmp());
        if (udpNode != null && udp != null && udp < UDP_MINIMUM_SECONDS) {
            udpNode.warn(udp + " s is below the RFC 4787 minimum of " + UDP_MINIMUM_SECONDS + " s");
        }
        if (!valid || tcpEstablished == null || tcpTransitory == null || udp == null || icmp == null) {
            return null;
        }
        return new TimerConfig(start.profile(), tcpEstablished, tcpTransitory, udp, icmp);
    }

    private static TimerConfig profile(ConfigNode node) {
        String name = node.string();
        if (name == null) {
            return null;
        }
        TimerConfig profile = PROFILES.get(name);
        if (profile == null) {
            node.error(node.json() + " is not a timer profile (\"" + TimerConfig.RFC.profile() + "\" or \""
                    + TimerConfig.LINUX_MASQUERADE.profile() + "\")");
        }
        return profile;
    }

    private static Integer seconds(ConfigNode node, int fallback) {
        if (node == null) {
            return fallback;
        }
        // OpenFlow idle timeouts are 16-bit; 0 would mean "never expire".
        Long value = node.integer(1, 65535, "a timeout in seconds");
        return value == null ? null : value.intValue();
    }
}
