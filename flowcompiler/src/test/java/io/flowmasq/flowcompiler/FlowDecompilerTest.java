package io.flowmasq.flowcompiler;

import static io.flowmasq.flowcompiler.NatFixture.GW_INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.INSIDE;
import static io.flowmasq.flowcompiler.NatFixture.OUTSIDE;
import static io.flowmasq.flowcompiler.NatFixture.PIPELINE;
import static io.flowmasq.flowcompiler.NatFixture.TCP;
import static io.flowmasq.flowcompiler.NatFixture.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Round trips: compile a binding, report its flows as flow stats, read them back: the same binding. */
class FlowDecompilerTest {
    /** A flow-stats entry for a flow the compiler added, as the switch would report it. */
    static OFFlowStatsEntry entry(OFMessage add, long durationSec, long packets, long bytes) {
        OFFlowMod m = (OFFlowMod) add;
        OFFactory f = NatFixture.factory(m.getVersion());
        OFFlowStatsEntry.Builder b = f.buildFlowStatsEntry()
                .setCookie(m.getCookie()).setPriority(m.getPriority()).setMatch(m.getMatch())
                .setIdleTimeout(m.getIdleTimeout()).setHardTimeout(m.getHardTimeout())
                .setDurationSec(durationSec).setDurationNsec(250_000_000L)
                .setPacketCount(U64.of(packets)).setByteCount(U64.of(bytes));
        if (m.getVersion() == OFVersion.OF_10) {
            b.setActions(m.getActions());
        } else {
            b.setTableId(TableId.ZERO).setFlags(m.getFlags()).setInstructions(m.getInstructions());
        }
        return b.build();
    }

    static Stream<Arguments> specs() {
        BindingSpec addressDependent = UDP.withRemote(RemoteFilter.address(IPv4Address.of("198.51.100.7")));
        BindingSpec portDependent = TCP.withRemote(new RemoteFilter(IPv4Address.of("198.51.100.7"), 443));
        BindingSpec staticTcp = TCP.withIdleTimeout(0);
        return Stream.of(OFVersion.OF_10, OFVersion.OF_13).flatMap(v -> Stream.of(
                Arguments.of(v, TCP), Arguments.of(v, UDP), Arguments.of(v, addressDependent),
                Arguments.of(v, portDependent), Arguments.of(v, staticTcp)));
    }

    private static BindingSpec roundTrip(List<OFMessage> flows, long id, BindingHalf.Flavour inboundFlavour) {
        InstalledFlow in = FlowDecompiler.decompile(entry(flows.get(0), 10, 5, 500));
        InstalledFlow out = FlowDecompiler.decompile(entry(flows.get(1), 12, 7, 700));
        assertEquals(InstalledFlow.Kind.BINDING, in.kind());
        assertEquals(id, in.id());
        assertEquals(id, out.id());
        assertEquals(BindingHalf.Direction.INBOUND, in.half().direction());
        assertEquals(BindingHalf.Direction.OUTBOUND, out.half().direction());
        assertEquals(inboundFlavour, in.half().flavour());
        assertEquals(BindingHalf.Flavour.PLAIN, out.half().flavour());
        assertEquals(12_250, out.durationMillis());
        assertEquals(7, out.packets());
        assertEquals(500, in.bytes());
        assertEquals(0, in.idleTimeout(), "the inbound flow has no timer of its own");
        return in.half().merge(out.half()).orElseThrow().spec(id, out.idleTimeout()).orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("specs")
    void aBindingsTwoFlowsReadBackAsItsSpec(OFVersion v, BindingSpec spec) {
        FlowCompiler c = NatFixture.compiler(v);
        assertEquals(spec, roundTrip(c.installBinding(spec), spec.id(), BindingHalf.Flavour.PLAIN));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void eachHalfAloneKnowsItsSideOfTheSpec(OFVersion v, BindingSpec spec) {
        List<OFMessage> flows = NatFixture.compiler(v).installBinding(spec);
        BindingHalf in = FlowDecompiler.decompile(entry(flows.get(0), 1, 0, 0)).half();
        BindingHalf out = FlowDecompiler.decompile(entry(flows.get(1), 1, 0, 0)).half();
        assertEquals(Optional.empty(), in.spec(spec.id(), 0), "the inbound flow does not know the outside MACs");
        assertEquals(Optional.empty(), out.spec(spec.id(), 0), "the outbound flow does not know the host's MAC");
        assertEquals(spec.toInside(), new L2Hop(in.insidePort(), in.gatewayInsideMac(), in.hostMac()));
        assertEquals(spec.toOutside(), new L2Hop(out.outsidePort(), out.gatewayOutsideMac(), out.nextHopMac()));
        assertEquals(spec.toInside().port(), out.insidePort());
        assertEquals(spec.toOutside().port(), in.outsidePort());
        // what the other flow would have said completes it
        assertEquals(Optional.of(spec), in.merge(BindingHalf.of(spec)).orElseThrow().spec(spec.id(), spec.idleTimeout()));
        assertEquals(Optional.of(spec), out.merge(BindingHalf.of(spec)).orElseThrow().spec(spec.id(), spec.idleTimeout()));
    }

    @Test
    void aTransitoryBindingsTwoFlowsArePlainAndItsHandshakeFlowReadsAsTheReportFlavour() {
        FlowCompiler c = NatFixture.compiler(OFVersion.OF_13);
        BindingSpec transitory = TCP.withIdleTimeout(240);
        List<OFMessage> flows = c.installBinding(transitory, HandshakeReport.INBOUND);
        assertEquals(3, flows.size());
        assertEquals(transitory, roundTrip(flows.subList(0, 2), TCP.id(), BindingHalf.Flavour.PLAIN));
        InstalledFlow handshake = FlowDecompiler.decompile(entry(flows.get(2), 10, 1, 60));
        assertEquals(InstalledFlow.Kind.BINDING, handshake.kind());
        assertEquals(TCP.id(), handshake.id());
        assertEquals(Priorities.TCP_HANDSHAKE, handshake.priority());
        assertEquals(240, handshake.idleTimeout());
        assertEquals(BindingHalf.Flavour.REPORT, handshake.half().flavour());
        assertEquals(BindingHalf.Direction.INBOUND, handshake.half().direction());
        assertEquals(BindingHalf.of(transitory).merge(handshake.half()).map(h -> h.spec(TCP.id(), 240)),
                Optional.of(Optional.of(transitory)), "it knows what the inbound flow knows");
    }

    @Test
    void anOutboundHandshakeFlowReadsAsTheReportFlavourOutbound() {
        FlowCompiler c = NatFixture.compiler(OFVersion.OF_13);
        BindingSpec session = TCP.withRemote(new RemoteFilter(IPv4Address.of("198.51.100.7"), 40123))
                .withIdleTimeout(240);
        List<OFMessage> flows = c.installBinding(session, HandshakeReport.OUTBOUND);
        assertEquals(session, roundTrip(flows.subList(0, 2), TCP.id(), BindingHalf.Flavour.PLAIN));
        BindingHalf h = FlowDecompiler.decompile(entry(flows.get(2), 1, 1, 60)).half();
        assertEquals(BindingHalf.Flavour.REPORT, h.flavour());
        assertEquals(BindingHalf.Direction.OUTBOUND, h.direction());
        assertEquals(session.inside(), h.inside());
        assertEquals(session.external(), h.external());
        assertEquals(session.remote(), h.remote());
    }

    @Test
    void aCopyToTheControllerWithoutTheSynAckMatchIsUndecodable() {
        // the reporting inbound flow an older flowmasq installed: rewrite, forward and copy every packet
        FlowCompiler c = NatFixture.compiler(OFVersion.OF_13);
        OFFlowMod handshake = (OFFlowMod) c.installBinding(TCP, HandshakeReport.INBOUND).get(2);
        OFMessage copy = handshake.createBuilder().setPriority(Priorities.BINDING)
                .setMatch(((OFFlowMod) c.installInbound(TCP)).getMatch()).build();
        InstalledFlow f = FlowDecompiler.decompile(entry(copy, 1, 0, 0));
        assertNull(f.half());
        assertNotNull(f.undecodable());
        // and the SYN-ACK match on a flow that does not copy
        OFMessage silent = ((OFFlowMod) c.installInbound(TCP)).createBuilder().setMatch(handshake.getMatch()).build();
        assertNull(FlowDecompiler.decompile(entry(silent, 1, 0, 0)).half());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void algFlowsReadAsAlgWithTheirMatchesOnly(OFVersion v) {
        BindingSpec control = TCP.withRemote(new RemoteFilter(IPv4Address.of("198.51.100.7"), 21)).withIdleTimeout(240);
        List<OFMessage> flows = NatFixture.compiler(v).installAlgBinding(control);
        BindingHalf in = FlowDecompiler.decompile(entry(flows.get(0), 1, 0, 0)).half();
        InstalledFlow outFlow = FlowDecompiler.decompile(entry(flows.get(1), 1, 0, 0));
        BindingHalf out = outFlow.half();
        assertEquals(BindingHalf.Flavour.ALG, in.flavour());
        assertEquals(BindingHalf.Flavour.ALG, out.flavour());
        assertEquals(BindingHalf.Direction.INBOUND, in.direction());
        assertEquals(BindingHalf.Direction.OUTBOUND, out.direction());
        assertEquals(control.external(), in.external());
        assertEquals(control.inside(), out.inside());
        assertEquals(control.remote(), in.remote());
        assertEquals(control.remote(), out.remote());
        assertEquals(240, outFlow.idleTimeout());
        BindingHalf both = in.merge(out).orElseThrow();
        assertEquals(Optional.empty(), both.spec(control.id(), 240), "ALG flows do not show the L2 hops");
        assertEquals(BindingHalf.Flavour.ALG, both.flavour());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void pipelineHairpinAndForeignFlowsAreToldApart(OFVersion v) {
        FlowCompiler c = NatFixture.compiler(v);
        for (OFMessage m : c.pipeline(PIPELINE)) {
            InstalledFlow f = FlowDecompiler.decompile(entry(m, 1, 0, 0));
            assertEquals(InstalledFlow.Kind.PIPELINE, f.kind(), FlowDump.line(m));
            assertNull(f.half());
        }
        BindingSpec other = new BindingSpec(9, Protocol.TCP, Endpoint.of("10.0.0.12", 5000),
                Endpoint.of("203.0.113.1", 5000), new L2Hop(INSIDE, GW_INSIDE, NatFixture.HOST2), NatFixture.TO_OUTSIDE,
                7440);
        for (OFMessage m : c.installHairpin(new HairpinSpec(4, TCP, other))) {
            InstalledFlow f = FlowDecompiler.decompile(entry(m, 1, 0, 0));
            assertEquals(InstalledFlow.Kind.HAIRPIN, f.kind());
            assertEquals(4, f.id());
        }
        OFMessage foreign = ((OFFlowMod) c.installBinding(TCP).get(0)).createBuilder().setCookie(U64.of(0x1234)).build();
        assertEquals(InstalledFlow.Kind.FOREIGN, FlowDecompiler.decompile(entry(foreign, 1, 0, 0)).kind());
        OFMessage unknown = ((OFFlowMod) c.installBinding(TCP).get(0)).createBuilder()
                .setCookie(U64.of(0xF1L << 56 | 0x07L << 48 | 5)).build();
        assertEquals(InstalledFlow.Kind.UNKNOWN_KIND, FlowDecompiler.decompile(entry(unknown, 1, 0, 0)).kind());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBindingCookieOnAFlowTheCompilerDoesNotMakeIsUndecodable(OFVersion v) {
        FlowCompiler c = NatFixture.compiler(v);
        // the pipeline's table-miss flow (no match, drop) stamped with a binding cookie
        OFMessage miss = c.pipeline(PIPELINE).get(c.pipeline(PIPELINE).size() - 1);
        OFMessage odd = ((OFFlowMod) miss).createBuilder().setCookie(Cookies.binding(3)).build();
        InstalledFlow f = FlowDecompiler.decompile(entry(odd, 1, 0, 0));
        assertEquals(InstalledFlow.Kind.BINDING, f.kind());
        assertNull(f.half());
        assertNotNull(f.undecodable());
        assertFalse(f.isBinding());
    }

    @Test
    void halvesThatDisagreeDoNotMerge() {
        FlowCompiler c = NatFixture.compiler(OFVersion.OF_13);
        BindingHalf in = FlowDecompiler.decompile(entry(c.installBinding(TCP).get(0), 1, 0, 0)).half();
        BindingSpec moved = new BindingSpec(TCP.id(), Protocol.TCP, TCP.inside(), Endpoint.of("203.0.113.1", 41000),
                TCP.toInside(), TCP.toOutside(), 7440);
        BindingHalf out = FlowDecompiler.decompile(entry(c.installBinding(moved).get(1), 1, 0, 0)).half();
        assertEquals(Optional.empty(), in.merge(out));
        assertEquals(OUTSIDE, in.outsidePort());
    }
}
