package io.flowmasq.controller.config;

/**
 * Idle timeouts in seconds, per protocol. {@code profile} names the set the values started from
 * ("rfc" = RFC 5382/4787/5508 defaults, "linux-masquerade" = historic netfilter values); explicit
 * fields in the file override the profile's values.
 */
public record TimerConfig(String profile, int tcpEstablished, int tcpTransitory, int udp, int icmp) {
    public static final TimerConfig RFC = new TimerConfig("rfc", 7440, 240, 300, 60);
    public static final TimerConfig LINUX_MASQUERADE = new TimerConfig("linux-masquerade", 900, 120, 300, 60);

    public TimerConfig {
        // OpenFlow idle timeouts are 16-bit seconds; 0 would mean "never expire".
        check("tcpEstablished", tcpEstablished);
        check("tcpTransitory", tcpTransitory);
        check("udp", udp);
        check("icmp", icmp);
    }

    private static void check(String name, int seconds) {
        if (seconds < 1 || seconds > 65535) {
            throw new IllegalArgumentException(name + " must be 1..65535 seconds: " + seconds);
        }
    }
}
