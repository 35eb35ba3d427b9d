package io.flowmasq.flowcompiler.rules;

import static io.flowmasq.flowcompiler.rules.RuleFixture.INSIDE_PORTS;
import static io.flowmasq.flowcompiler.rules.RuleFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TO_H1;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TO_OUTSIDE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.TWICE_RULE;
import static io.flowmasq.flowcompiler.rules.RuleFixture.compiler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowDecompiler;
import io.flowmasq.flowcompiler.InstalledFlow;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.sim.FlowTableSimulator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Rule flows reported by the switch read back as RULE flows that can be deleted one by one. */
class RuleFlowDecompilerTest {
    /** A flow-stats entry for a flow the compiler added, as the switch would report it. */
    private static OFFlowStatsEntry entry(OFMessage add) {
        OFFlowMod m = (OFFlowMod) add;
        OFFlowStatsEntry.Builder b = OFFactories.getFactory(m.getVersion()).buildFlowStatsEntry()
                .setCookie(m.getCookie()).setPriority(m.getPriority()).setMatch(m.getMatch())
                .setIdleTimeout(m.getIdleTimeout()).setHardTimeout(m.getHardTimeout())
                .setDurationSec(3).setPacketCount(U64.ZERO).setByteCount(U64.ZERO);
        if (m.getVersion() == OFVersion.OF_10) {
            b.setActions(m.getActions());
        } else {
            b.setTableId(TableId.ZERO).setFlags(m.getFlags()).setInstructions(m.getInstructions());
        }
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void everyRuleFlowReadsBackAsARuleFlow(OFVersion v) {
        List<OFMessage> installed = RuleFlowsGoldenTest.installAll(v);
        for (OFMessage m : installed) {
            OFFlowMod mod = (OFFlowMod) m;
            InstalledFlow f = FlowDecompiler.decompile(entry(m));
            assertEquals(InstalledFlow.Kind.RULE, f.kind());
            RuleFlowRef ref = f.ruleFlow().orElseThrow();
            assertEquals(RuleCookies.ruleOf(mod.getCookie()), ref.rule());
            assertEquals(RuleCookies.entryOf(mod.getCookie()), ref.entry());
            assertEquals(mod.getPriority(), f.priority());
            assertEquals(mod.getMatch(), f.match());
        }
        InstalledFlow pair = FlowDecompiler.decompile(entry(installed.get(4)));
        assertEquals(Optional.of(new RuleFlowRef(TWICE_RULE, 7)), pair.ruleFlow());
    }

    /** One stale trap goes; its rule's other traps, which share its cookie, stay. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void deleteStrictRemovesOnlyThatFlow(OFVersion v) {
        RuleFlows f = compiler(v).ruleFlows();
        List<OFMessage> traps = f.twiceTraps(TWICE_RULE, INSIDE_PORTS, OUTSIDE, TWICE);
        FlowTableSimulator t = new FlowTableSimulator();
        t.applyAll(traps);
        t.applyAll(f.deleteStrict(FlowDecompiler.decompile(entry(traps.get(1)))));
        assertEquals(List.of(((OFFlowMod) traps.get(0)).getMatch(), ((OFFlowMod) traps.get(2)).getMatch()),
                t.entries().stream().map(FlowTableSimulator.Entry::match).toList());
    }

    /** Port forwards are static bindings: the decompiler reads them as any binding, forward id and all. */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void forwardBindingsStayBindingsAndOddRuleCookiesAreUnknown(OFVersion v) {
        long id = RuleCookies.forwardId(TWICE_RULE, 2);
        BindingSpec forward = new BindingSpec(id, Protocol.TCP, Endpoint.of("10.0.0.11", 80),
                Endpoint.of("203.0.113.1", 8080), TO_H1, TO_OUTSIDE, 0);
        for (OFMessage m : compiler(v).installBinding(forward)) {
            InstalledFlow flow = FlowDecompiler.decompile(entry(m));
            assertEquals(InstalledFlow.Kind.BINDING, flow.kind());
            assertEquals(id, flow.id());
            assertNotNull(flow.half());
            assertEquals(Optional.empty(), flow.ruleFlow());
        }
        OFMessage trap = compiler(v).ruleFlows().virtualServerTrap(6, Protocol.UDP, OUTSIDE,
                Endpoint.of("203.0.113.80", 53));
        OFMessage ruleZero = ((OFFlowMod) trap).createBuilder().setCookie(U64.of(0xf104_0000_0000_0001L)).build();
        InstalledFlow odd = FlowDecompiler.decompile(entry(ruleZero));
        assertEquals(InstalledFlow.Kind.UNKNOWN_KIND, odd.kind());
        assertTrue(odd.ruleFlow().isEmpty());
    }
}
