package io.flowmasq.flowcompiler.rules;

import static io.flowmasq.flowcompiler.rules.RuleFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.GW_OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H1_B1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.H2_STATIC;
import static io.flowmasq.flowcompiler.rules.RuleFixture.INSIDE_PORTS;
import static io.flowmasq.flowcompiler.rules.RuleFixture.NEXT_HOP;
import static io.flowmasq.flowcompiler.rules.RuleFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.P1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.P2;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TO_H1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TO_OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.flows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.Priorities;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** The exact Loxi messages where the dump's normalised spelling would hide a difference. */
class RuleFlowsMessagesTest {
    private static final OFFactory OF10 = OFFactories.getFactory(OFVersion.OF_10);
    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);

    private static OFMessage xid0(OFMessage m) {
        return m.createBuilder().setXid(0).build();
    }

    private static List<OFMessage> xid0(List<OFMessage> ms) {
        return ms.stream().map(RuleFlowsMessagesTest::xid0).toList();
    }

    @Test
    void deleteRuleIsTwoCookieMaskedDeletesOnOf13() {
        OFMessage flows = OF13.buildFlowDelete().setXid(0)
                .setTableId(TableId.ALL)
                .setCookie(U64.of(0xf104_0000_0500_0000L))
                .setCookieMask(U64.of(0xffff_ffff_ff00_0000L))
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setMatch(OF13.matchWildcardAll())
                .build();
        OFMessage forwards = OF13.buildFlowDelete().setXid(0)
                .setTableId(TableId.ALL)
                .setCookie(U64.of(0xf101_8000_0500_0000L))
                .setCookieMask(U64.of(0xffff_ffff_ff00_0000L))
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setMatch(OF13.matchWildcardAll())
                .build();
        assertEquals(List.of(flows, forwards), xid0(flows(OFVersion.OF_13).deleteRule(TWICE_RULE).orElseThrow()));
    }

    @Test
    void deleteRuleIsLeftToStrictDeletesOnOf10() {
        assertEquals(Optional.empty(), flows(OFVersion.OF_10).deleteRule(TWICE_RULE));
    }

    @Test
    void of10StaticOutboundUsesNwActionsAndNiciraDecTtl() {
        OFMessage expected = OF10.buildFlowAdd().setXid(0)
                .setCookie(U64.of(0xf104_0000_0300_0000L))
                .setPriority(Priorities.RULE_ADDRESS)
                .setIdleTimeout(0)
                .setHardTimeout(0)
                .setFlags(Set.of())
                .setMatch(OF10.buildMatch()
                        .setExact(MatchField.IN_PORT, P2)
                        .setExact(MatchField.ETH_DST, GW_INSIDE)
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                        .setExact(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.12"))
                        .build())
                .setActions(List.of(
                        OF10.actions().niciraDecTtl(),
                        OF10.actions().setNwSrc(IPv4Address.of("203.0.113.12")),
                        OF10.actions().setDlSrc(GW_OUTSIDE),
                        OF10.actions().setDlDst(NEXT_HOP),
                        OF10.actions().output(OUTSIDE, 0)))
                .build();
        assertEquals(expected, xid0(flows(OFVersion.OF_10).installStaticHost(H2_STATIC).get(1)));
    }

    @Test
    void of13TwiceOutboundCarriesThePairsClock() {
        OFMessage expected = OF13.buildFlowAdd().setXid(0)
                .setTableId(TableId.ZERO)
                .setCookie(U64.of(0xf104_0000_0500_0007L))
                .setPriority(Priorities.RULE_ADDRESS)
                .setIdleTimeout(300)
                .setHardTimeout(0)
                .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(OF13.buildMatch()
                        .setExact(MatchField.IN_PORT, P1)
                        .setExact(MatchField.ETH_DST, GW_INSIDE)
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                        .setExact(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.11"))
                        .setExact(MatchField.IPV4_DST, IPv4Address.of("10.99.0.21"))
                        .build())
                .setInstructions(List.of(OF13.instructions().applyActions(List.of(
                        OF13.actions().decNwTtl(),
                        OF13.actions().setField(OF13.oxms().ipv4Src(IPv4Address.of("10.88.0.11"))),
                        OF13.actions().setField(OF13.oxms().ipv4Dst(IPv4Address.of("10.0.0.21"))),
                        OF13.actions().setField(OF13.oxms().ethSrc(GW_OUTSIDE)),
                        OF13.actions().setField(OF13.oxms().ethDst(NEXT_HOP)),
                        OF13.actions().output(OUTSIDE, 0)))))
                .build();
        assertEquals(expected, xid0(flows(OFVersion.OF_13).installTwicePair(H1_B1).get(1)));
    }

    /** A trap shares its cookie with the rule's other traps: its removal is strict, cookie and all. */
    @Test
    void of13TrapRemovalIsStrictWithExactCookie() {
        OFMessage expected = OF13.buildFlowDeleteStrict().setXid(0)
                .setTableId(TableId.ALL)
                .setCookie(U64.of(0xf104_0000_05ff_ffffL))
                .setCookieMask(U64.NO_MASK)
                .setPriority(Priorities.RULE_TRAP)
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setMatch(OF13.buildMatch()
                        .setExact(MatchField.IN_PORT, OUTSIDE)
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4)
                        .setMasked(MatchField.IPV4_SRC, IPv4Address.of("10.0.0.0"), IPv4Address.of("255.255.255.0"))
                        .setMasked(MatchField.IPV4_DST, IPv4Address.of("10.88.0.0"), IPv4Address.of("255.255.255.0"))
                        .build())
                .build();
        List<OFMessage> removal = flows(OFVersion.OF_13).removeTwiceTraps(TWICE_RULE, INSIDE_PORTS, OUTSIDE, TWICE);
        assertEquals(3, removal.size());
        assertEquals(expected, xid0(removal.get(2)));
    }

    @Test
    void specsDeriveTheirAddressesFromTheForm() {
        assertEquals(new TwicePairSpec(5, 7, IPv4Address.of("10.0.0.11"), IPv4Address.of("10.88.0.11"),
                IPv4Address.of("10.0.0.21"), IPv4Address.of("10.99.0.21"), TO_H1, TO_OUTSIDE, 300), H1_B1);
        assertEquals(3, RuleFixture.LAB_HOST.entry());
        assertEquals(IPv4Address.of("203.0.113.51"), RuleFixture.LAB_HOST.external());
        assertEquals(RuleProtocol.TCP, RuleFixture.LAB_HOST.protocol());
        assertEquals(Prefixes.of("198.51.100.0", 24), RuleFixture.LAB_HOST.remotes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StaticHostSpec.of(4,
                RuleFixture.NETMAP, RuleFixture.NETMAP_MATCH, IPv4Address.of("10.0.0.40"), TO_H1, TO_OUTSIDE));
        assertTrue(e.getMessage().contains("10.0.0.40 is not in 10.0.0.16/28"), e.getMessage());
    }

    @Test
    void specsRefuseOutOfRangeNumbers() {
        IPv4Address a = IPv4Address.of("10.0.0.11");
        assertThrows(IllegalArgumentException.class, () -> new StaticHostSpec(0, 0, a, a, TO_H1, TO_OUTSIDE,
                RuleProtocol.ANY, RuleMatch.ANY_PREFIX));
        assertThrows(IllegalArgumentException.class, () -> new StaticHostSpec(1, RuleCookies.RULE_ENTRY, a, a, TO_H1,
                TO_OUTSIDE, RuleProtocol.ANY, RuleMatch.ANY_PREFIX));
        assertThrows(IllegalArgumentException.class, () -> new TwicePairSpec(1, RuleCookies.RULE_ENTRY, a, a, a, a,
                TO_H1, TO_OUTSIDE, 300));
        assertThrows(IllegalArgumentException.class, () -> new TwicePairSpec(1, 0, a, a, a, a, TO_H1, TO_OUTSIDE,
                65536));
        assertThrows(IllegalArgumentException.class,
                () -> flows(OFVersion.OF_13).arpTrap(1, OUTSIDE, RuleMatch.ANY_PREFIX));
    }

    @Test
    void ruleFlowOfReadsCookiesAndOf13PacketIns() {
        RuleFlows f13 = flows(OFVersion.OF_13);
        assertEquals(Optional.of(new RuleFlowRef(5, RuleCookies.RULE_ENTRY)),
                f13.ruleFlowOf(U64.of(0xf104_0000_05ff_ffffL)));
        assertTrue(f13.ruleFlowOf(U64.of(0xf104_0000_05ff_ffffL)).orElseThrow().wholeRule());
        assertEquals(Optional.of(new RuleFlowRef(3, 0)), f13.ruleFlowOf(U64.of(0xf104_0000_0300_0000L)));
        assertEquals(Optional.empty(), f13.ruleFlowOf(U64.of(0xf101_0000_0000_0001L)), "a binding");
        assertEquals(Optional.empty(), f13.ruleFlowOf(U64.of(0xf104_0000_0000_0005L)), "rule 0");
        OFPacketIn in13 = OF13.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setReason(OFPacketInReason.ACTION)
                .setTableId(TableId.ZERO).setCookie(U64.of(0xf104_0000_06ff_ffffL))
                .setMatch(OF13.buildMatch().setExact(MatchField.IN_PORT, OUTSIDE).build()).setData(new byte[0]).build();
        assertEquals(Optional.of(new RuleFlowRef(6, RuleCookies.RULE_ENTRY)), f13.ruleFlowOf(in13));
        OFPacketIn in10 = OF10.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setReason(OFPacketInReason.ACTION)
                .setInPort(OUTSIDE).setData(new byte[0]).build();
        assertEquals(Optional.empty(), flows(OFVersion.OF_10).ruleFlowOf(in10));
        assertEquals(U64.of(0xf104_0000_0500_0007L), new RuleFlowRef(5, 7).cookie());
    }
}
