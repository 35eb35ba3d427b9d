package io.flowmasq.flowcompiler.rules;

import static io.flowmasq.flowcompiler.rules.RuleFixture.H1_B1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H2_STATIC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.INSIDE_PORTS;
import static io.flowmasq.flowcompiler.rules.RuleFixture.LAB_HOST;
import static io.flowmasq.flowcompiler.rules.RuleFixture.NETMAP;
import static io.flowmasq.flowcompiler.rules.RuleFixture.NETMAP_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.STATIC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.STATIC_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.VIP;
import static io.flowmasq.flowcompiler.rules.RuleFixture.VS_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.flows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.flowmasq.flowcompiler.FlowDump;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * Golden dumps of every rule flow, OF1.0 and OF1.3: match fields, actions in order, priority, cookie,
 * timeouts and flags, as {@link FlowDump} prints them. After an intended change, regenerate with
 * {@link FlowDump#dump} and read the diff line by line before committing it.
 */
class RuleFlowsGoldenTest {
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void installGolden(OFVersion v) throws IOException {
        assertEquals(golden("rules-install", v), FlowDump.dump(installAll(v)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void removeGolden(OFVersion v) throws IOException {
        assertEquals(golden("rules-remove", v), FlowDump.dump(removeAll(v)));
    }

    /** Packet-outs apply exactly the flows' actions. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void forward(OFVersion v) throws IOException {
        RuleFlows f = flows(v);
        PacketRef fromInside = PacketRef.unbuffered(RuleFixture.P2, new byte[60]);
        PacketRef fromOutside = PacketRef.unbuffered(OUTSIDE, new byte[60]);
        PacketRef fromH1 = PacketRef.unbuffered(RuleFixture.P1, new byte[60]);
        List<OFMessage> out = List.of(
                f.forwardStaticOutbound(H2_STATIC, fromInside),
                f.forwardStaticInbound(H2_STATIC, fromOutside),
                f.forwardTwiceOutbound(H1_B1, fromH1),
                f.forwardTwiceInbound(H1_B1, fromOutside));
        assertEquals(golden("rules-forward", v), FlowDump.dump(out));
    }

    static List<OFMessage> installAll(OFVersion v) {
        RuleFlows f = flows(v);
        List<OFMessage> out = new ArrayList<>();
        out.addAll(f.installStaticHost(H2_STATIC));
        out.addAll(f.installStaticHost(LAB_HOST));
        out.addAll(f.installTwicePair(H1_B1));
        out.add(f.reinstallTwiceOutbound(H1_B1));
        out.addAll(f.twiceTraps(TWICE_RULE, INSIDE_PORTS, OUTSIDE, TWICE));
        out.add(f.virtualServerTrap(VS_RULE, Protocol.TCP, OUTSIDE, VIP));
        out.addAll(f.arpTrap(STATIC_RULE, OUTSIDE, STATIC.external()));
        out.addAll(f.arpTrap(NETMAP_RULE, OUTSIDE, NETMAP.external()));
        return out;
    }

    static List<OFMessage> removeAll(OFVersion v) {
        RuleFlows f = flows(v);
        List<OFMessage> out = new ArrayList<>();
        out.addAll(f.removeStaticHost(H2_STATIC));
        out.addAll(f.removeStaticHost(LAB_HOST));
        out.addAll(f.removeTwicePair(H1_B1));
        out.addAll(f.removeTwiceTraps(TWICE_RULE, INSIDE_PORTS, OUTSIDE, TWICE));
        out.addAll(f.removeVirtualServerTrap(VS_RULE, Protocol.TCP, OUTSIDE, VIP));
        out.addAll(f.removeArpTrap(STATIC_RULE, OUTSIDE, STATIC.external()));
        out.addAll(f.removeArpTrap(NETMAP_RULE, OUTSIDE, NETMAP.external()));
        out.addAll(f.deleteRule(TWICE_RULE).orElse(List.of()));
        return out;
    }

    private static String golden(String name, OFVersion v) throws IOException {
        String file = "/golden/" + name + "-" + (v == OFVersion.OF_10 ? "of10" : "of13") + ".txt";
        try (InputStream in = RuleFlowsGoldenTest.class.getResourceAsStream(file)) {
            assertNotNull(in, file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
