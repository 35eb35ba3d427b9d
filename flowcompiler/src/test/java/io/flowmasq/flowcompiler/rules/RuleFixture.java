package io.flowmasq.flowcompiler.rules;

import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PipelineSpec;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The switch of the rule tests: inside ports 1 (h1 10.0.0.11) and 2 (h2 10.0.0.12, and netmap host
 * 10.0.0.19), outside port 3 (next hop ext); the rules of the issue-7 contract's example config.
 */
final class RuleFixture {
    static final MacAddress GW_INSIDE = MacAddress.of("02:f1:00:00:00:01");
    static final MacAddress GW_OUTSIDE = MacAddress.of("02:f1:00:00:00:02");
    static final MacAddress H1_MAC = MacAddress.of("00:00:00:00:00:11");
    static final MacAddress H2_MAC = MacAddress.of("00:00:00:00:00:12");
    static final MacAddress NEXT_HOP = MacAddress.of("00:00:00:00:00:aa");
    static final OFPort P1 = OFPort.of(1);
    static final OFPort P2 = OFPort.of(2);
    static final OFPort OUTSIDE = OFPort.of(3);

    static final PipelineSpec PIPELINE = new PipelineSpec(
            List.of(new PipelineSpec.InsideSegment(List.of(P1, P2), IPv4Address.of("10.0.0.1"), GW_INSIDE)),
            new PipelineSpec.OutsideSegment(OUTSIDE, List.of(IPv4Address.of("203.0.113.1")), GW_OUTSIDE));
    static final L2Hop TO_H1 = new L2Hop(P1, GW_INSIDE, H1_MAC);
    static final L2Hop TO_H2 = new L2Hop(P2, GW_INSIDE, H2_MAC);
    static final L2Hop TO_OUTSIDE = new L2Hop(OUTSIDE, GW_OUTSIDE, NEXT_HOP);
    static final List<InsideTrap> INSIDE_PORTS = List.of(new InsideTrap(P1, GW_INSIDE), new InsideTrap(P2, GW_INSIDE));

    /** Rule 3 "h2": static 10.0.0.12 = 203.0.113.12, any protocol, any remote. */
    static final int STATIC_RULE = 3;
    static final RuleForm.StaticNat STATIC = new RuleForm.StaticNat(Prefixes.of("10.0.0.12", 32),
            Prefixes.of("203.0.113.12", 32));
    static final RuleMatch STATIC_MATCH = new RuleMatch(STATIC.inside(), RuleMatch.ANY_PREFIX, RuleProtocol.ANY,
            PortSpan.ANY);
    static final StaticHostSpec H2_STATIC = StaticHostSpec.of(STATIC_RULE, STATIC, STATIC_MATCH,
            IPv4Address.of("10.0.0.12"), TO_H2, TO_OUTSIDE);

    /** Rule 4 "lab": netmap 10.0.0.16/28 = 203.0.113.48/28, TCP to 198.51.100.0/24 only; host .19 behind port 2. */
    static final int NETMAP_RULE = 4;
    static final RuleForm.StaticNat NETMAP = new RuleForm.StaticNat(Prefixes.of("10.0.0.16", 28),
            Prefixes.of("203.0.113.48", 28));
    static final RuleMatch NETMAP_MATCH = new RuleMatch(NETMAP.inside(), Prefixes.of("198.51.100.0", 24),
            RuleProtocol.TCP, PortSpan.ANY);
    static final MacAddress LAB_MAC = MacAddress.of("00:00:00:00:00:19");
    static final StaticHostSpec LAB_HOST = StaticHostSpec.of(NETMAP_RULE, NETMAP, NETMAP_MATCH,
            IPv4Address.of("10.0.0.19"), new L2Hop(P2, GW_INSIDE, LAB_MAC), TO_OUTSIDE);

    /** Rule 5 "site-b": twice 10.0.0.0/24 as 10.88.0.0/24, remote 10.0.0.0/24 as 10.99.0.0/24. */
    static final int TWICE_RULE = 5;
    static final RuleForm.TwiceNat TWICE = new RuleForm.TwiceNat(Prefixes.of("10.0.0.0", 24),
            Prefixes.of("10.88.0.0", 24), Prefixes.of("10.0.0.0", 24), Prefixes.of("10.99.0.0", 24));
    /** h1 to b1 (10.0.0.21, which h1 sees as 10.99.0.21): the engine's pair 7 of the rule. */
    static final TwicePairSpec H1_B1 = TwicePairSpec.of(TWICE_RULE, 7, TWICE, IPv4Address.of("10.0.0.11"),
            IPv4Address.of("10.99.0.21"), TO_H1, TO_OUTSIDE, 300);

    /** Rule 6 "www": virtual server tcp 203.0.113.80:80. */
    static final int VS_RULE = 6;
    static final Endpoint VIP = Endpoint.of("203.0.113.80", 80);

    private RuleFixture() {
    }

    static FlowCompiler compiler(OFVersion v) {
        return FlowCompiler.forFactory(OFFactories.getFactory(v));
    }

    static RuleFlows flows(OFVersion v) {
        return compiler(v).ruleFlows();
    }
}
