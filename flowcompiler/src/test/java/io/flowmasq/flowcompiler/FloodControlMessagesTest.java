package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE2;
import static io.flowmasq.flowcompiler.NatFixture.PIPELINE;
import static io.flowmasq.flowcompiler.NatFixture.compiler;
import static io.flowmasq.flowcompiler.NatFixture.xid0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import io.flowmasq.flowcompiler.sim.SimPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Penalty-box flows and the packet-in meter, field for field, and what the table then does. */
class FloodControlMessagesTest {
    private static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);
    private static final OFFactory OF10 = OFFactories.getFactory(OFVersion.OF_10);
    private static final IPv4Address HOST_IP = IPv4Address.of("10.0.0.11");
    private static final PenaltySpec PENALTY = new PenaltySpec(INSIDE, GW_INSIDE, HOST_IP, 5);
    /** kind 0x03, the host's address 10.0.0.11 in the low bits. */
    private static final U64 PENALTY_COOKIE = U64.of(0xf10300000a00000bL);

    private static Match penaltyMatch(OFFactory f) {
        return f.buildMatch().setExact(MatchField.IN_PORT, INSIDE).setExact(MatchField.ETH_DST, GW_INSIDE)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IPV4_SRC, HOST_IP).build();
    }

    @Test
    void penaltyCookieHasItsOwnKindAndIsNoBinding() {
        assertEquals(PENALTY_COOKIE, Cookies.penalty(HOST_IP));
        assertTrue(Cookies.isPenalty(PENALTY_COOKIE));
        assertFalse(Cookies.isBinding(PENALTY_COOKIE));
        assertFalse(Cookies.isPenalty(Cookies.binding(11)));
    }

    @Test
    void of13PenaltyIsADropFlowWithAHardTimeoutBetweenNewFlowAndBindings() {
        OFMessage want = OF13.buildFlowAdd().setTableId(TableId.ZERO).setCookie(PENALTY_COOKIE).setPriority(150)
                .setIdleTimeout(0).setHardTimeout(5).setFlags(Set.of()).setMatch(penaltyMatch(OF13))
                .setInstructions(List.of()).build();
        assertEquals(xid0(List.of(want)), xid0(List.of(compiler(OFVersion.OF_13).penalise(PENALTY))));
        assertTrue(Priorities.PENALTY > Priorities.NEW_FLOW && Priorities.PENALTY < Priorities.BINDING);
    }

    @Test
    void of10PenaltyIsADropFlowWithAHardTimeout() {
        OFMessage want = OF10.buildFlowAdd().setCookie(PENALTY_COOKIE).setPriority(150)
                .setIdleTimeout(0).setHardTimeout(5).setFlags(Set.of()).setMatch(penaltyMatch(OF10))
                .setActions(List.of()).build();
        assertEquals(xid0(List.of(want)), xid0(List.of(compiler(OFVersion.OF_10).penalise(PENALTY))));
    }

    @Test
    void liftingAPenaltyDeletesItsFlowOnly() {
        OFMessage of13 = OF13.buildFlowDelete().setTableId(TableId.ALL).setCookie(PENALTY_COOKIE)
                .setCookieMask(U64.NO_MASK).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setMatch(OF13.matchWildcardAll()).build();
        assertEquals(xid0(List.of(of13)), xid0(compiler(OFVersion.OF_13).liftPenalty(PENALTY)));
        OFMessage of10 = OF10.buildFlowDeleteStrict().setPriority(150).setOutPort(OFPort.ANY)
                .setMatch(penaltyMatch(OF10)).build();
        assertEquals(xid0(List.of(of10)), xid0(compiler(OFVersion.OF_10).liftPenalty(PENALTY)));
    }

    /** The host's new flows stop at the box; its bindings and the other hosts' new flows do not. */
    @Test
    void penalisedHostKeepsItsBindingsWhileOthersStillReachTheController() {
        for (OFVersion v : List.of(OFVersion.OF_10, OFVersion.OF_13)) {
            FlowCompiler c = compiler(v);
            FlowTableSimulator table = new FlowTableSimulator();
            table.applyAll(c.pipeline(PIPELINE));
            table.applyAll(c.installBinding(NatFixture.UDP));
            table.apply(c.penalise(PENALTY));
            assertTrue(table.process(SimPacket.ipv4(INSIDE, NatFixture.HOST, GW_INSIDE, IpProtocol.UDP, "10.0.0.11",
                    40001, "198.51.100.7", 53)).dropped(), v + ": a new flow of the penalised host");
            assertEquals(3, table.process(SimPacket.ipv4(INSIDE, NatFixture.HOST, GW_INSIDE, IpProtocol.UDP,
                    "10.0.0.11", 40000, "198.51.100.7", 53)).only().port(), v + ": its existing binding");
            assertTrue(table.process(SimPacket.ipv4(INSIDE2, NatFixture.HOST2, GW_INSIDE, IpProtocol.UDP,
                    "10.0.0.12", 40001, "198.51.100.7", 53)).toController(), v + ": another host's new flow");
        }
    }

    @Test
    void of13PacketInMeterDropsAbovePacketsPerSecondWithABurst() {
        OFMessage want = OF13.buildMeterMod().setCommand(OFMeterModCommand.ADD).setMeterId(1)
                .setFlags(Set.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST))
                .setMeters(List.of(OF13.meterBands().drop(2000, 500))).build();
        assertEquals(xid0(List.of(want)),
                xid0(List.of(compiler(OFVersion.OF_13).packetInMeter(OFMeterModCommand.ADD, 2000, 500))));
        assertEquals(xid0(List.of(OF13.meterFeaturesStatsRequest(Set.of()))),
                xid0(List.of(compiler(OFVersion.OF_13).meterFeaturesRequest())));
    }

    @Test
    void of10HasNoMeters() {
        FlowCompiler c = compiler(OFVersion.OF_10);
        assertFalse(c.supportsMeters());
        assertThrows(IllegalStateException.class, () -> c.packetInMeter(OFMeterModCommand.ADD, 1, 1));
        assertThrows(IllegalStateException.class, () -> c.pipeline(PIPELINE, true));
    }

    /** Metered: the new-flow and to-public-address flows go through meter 1 first; nothing else changes. */
    @Test
    void of13MeteredPipelineDiffersOnlyInTheInsideToControllerFlows() {
        FlowCompiler c = compiler(OFVersion.OF_13);
        List<OFMessage> plain = xid0(c.pipeline(PIPELINE));
        List<OFMessage> metered = xid0(c.pipeline(PIPELINE, true));
        assertEquals(plain.size(), metered.size());
        int changed = 0;
        for (int i = 0; i < plain.size(); i++) {
            OFFlowAdd p = (OFFlowAdd) plain.get(i);
            OFFlowAdd m = (OFFlowAdd) metered.get(i);
            if (p.equals(m)) {
                continue;
            }
            changed++;
            assertTrue(p.getPriority() == Priorities.NEW_FLOW || p.getPriority() == Priorities.TO_PUBLIC_ADDRESS);
            List<Object> want = new ArrayList<>();
            want.add(OF13.instructions().meter(1));
            want.addAll(p.getInstructions());
            assertEquals(want, new ArrayList<>(m.getInstructions()));
            assertEquals(p.getMatch(), m.getMatch());
        }
        assertEquals(4, changed); // two inside ports × (new flow, to the one public address)
        assertEquals(xid0(metered.stream().filter(m -> !plain.contains(m)).toList()),
                xid0(c.insideToController(PIPELINE, true)));
        assertEquals(xid0(plain.stream().filter(m -> !metered.contains(m)).toList()),
                xid0(c.insideToController(PIPELINE, false)));
    }

    @Test
    void meteredNewFlowMessageExactly() {
        FlowCompiler c = compiler(OFVersion.OF_13);
        OFMessage want = OF13.buildFlowAdd().setTableId(TableId.ZERO).setCookie(Cookies.PIPELINE).setPriority(100)
                .setIdleTimeout(0).setHardTimeout(0).setFlags(Set.of())
                .setMatch(OF13.buildMatch().setExact(MatchField.IN_PORT, INSIDE)
                        .setExact(MatchField.ETH_DST, GW_INSIDE).setExact(MatchField.ETH_TYPE, EthType.IPv4).build())
                .setInstructions(List.of(OF13.instructions().meter(1), OF13.instructions().applyActions(
                        List.of(OF13.actions().output(OFPort.CONTROLLER, 0xffff)))))
                .build();
        assertEquals(xid0(List.of(want)), xid0(c.insideToController(PIPELINE, true)).subList(0, 1));
    }
}
