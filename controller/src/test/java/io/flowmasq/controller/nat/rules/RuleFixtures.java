package io.flowmasq.controller.nat.rules;

import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.OutsideConfig;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.rules.PortSpan;
import io.flowmasq.flowcompiler.rules.Prefixes;
import io.flowmasq.flowcompiler.rules.Rule;
import io.flowmasq.flowcompiler.rules.RuleForm;
import io.flowmasq.flowcompiler.rules.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** The contract's switch (inside 10.0.0.0/24, outside 203.0.113.1/24) and short ways to write its rules. */
final class RuleFixtures {
    static final SwitchConfig SWITCH = new SwitchConfig(DatapathId.of(1), "s1",
            List.of(new InsideConfig(List.of(OFPort.of(1), OFPort.of(2)), IPv4Address.of("10.0.0.1"), 24,
                    MacAddress.of("02:f1:00:00:00:01"))),
            new OutsideConfig(OFPort.of(3), IPv4Address.of("203.0.113.1"), 24,
                    List.of(IPv4Address.of("203.0.113.1"), IPv4Address.of("203.0.113.2")),
                    MacAddress.of("02:f1:00:00:00:02"), IPv4Address.of("203.0.113.10"), OutsideConfig.DEFAULT_MTU),
            PortRange.DEFAULT, TimerConfig.RFC, OptionalInt.empty());

    private RuleFixtures() {
    }

    /** Numbers play no part in validation; any valid one will do. */
    private static int n() {
        return 7;
    }

    static IPv4Address ip(String a) {
        return IPv4Address.of(a);
    }

    static Rule masquerade(String id, String inside, String... addresses) {
        return new Rule(id, n(), RuleMatch.ANY.withInside(prefix(inside)),
                new RuleForm.Masquerade(List.of(addresses).stream().map(IPv4Address::of).toList()));
    }

    static Rule pool(String id, String inside, String first, int count) {
        List<IPv4Address> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(IPv4Address.of(ip(first).getInt() + i));
        }
        return new Rule(id, n(), RuleMatch.ANY.withInside(prefix(inside)),
                new RuleForm.AddressPool(addresses, Optional.of(ip("203.0.113.1"))));
    }

    static Rule staticNat(String id, String inside, String external) {
        return new Rule(id, n(), RuleMatch.ANY, new RuleForm.StaticNat(prefix(inside), prefix(external)));
    }

    static Rule twice(String id, String inside, String insideAs, String outside, String outsideAs) {
        return new Rule(id, n(), RuleMatch.ANY, new RuleForm.TwiceNat(prefix(inside), prefix(insideAs),
                prefix(outside), prefix(outsideAs)));
    }

    static Rule forward(String id, Protocol p, String external, int first, int last, String inside, int port) {
        return new Rule(id, n(), RuleMatch.ANY, new RuleForm.PortForward(p, ip(external), new PortSpan(first, last),
                ip(inside), port));
    }

    static Rule virtualServer(String id, String external, int port, String... servers) {
        return new Rule(id, n(), RuleMatch.ANY, new RuleForm.VirtualServer(Protocol.TCP, Endpoint.of(external, port),
                RuleForm.Scheduling.WEIGHTED, List.of(servers).stream()
                        .map(s -> new RuleForm.RealServer(Endpoint.of(s, port), 1)).toList(), Optional.empty()));
    }

    /** "any", "a.b.c.d" or "a.b.c.d/n". */
    static org.projectfloodlight.openflow.types.IPv4AddressWithMask prefix(String text) {
        if (text.equals("any")) {
            return RuleMatch.ANY_PREFIX;
        }
        String[] parts = text.split("/");
        return Prefixes.of(parts[0], parts.length == 1 ? 32 : Integer.parseInt(parts[1]));
    }
}
