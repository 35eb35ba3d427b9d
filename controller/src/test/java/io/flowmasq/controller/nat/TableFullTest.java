package io.flowmasq.controller.nat;

import static io.flowmasq.controller.nat.EngineHarness.GW_IN;
import static io.flowmasq.controller.nat.EngineHarness.H1;
import static io.flowmasq.controller.nat.EngineHarness.H2;
import static io.flowmasq.controller.nat.EngineHarness.P1;
import static io.flowmasq.controller.nat.EngineHarness.P2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.Filtering;
import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.config.TableFullPolicy;
import io.flowmasq.controller.config.TimerConfig;
import io.flowmasq.controller.nat.BindingListener.RemovalReason;
import io.flowmasq.controller.nat.RecordingListener.Removed;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.Priorities;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.TcpFlags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

/**
 * The switch answers a new binding's flow-mods with TABLE_FULL (OF1.3) or ALL_TABLES_FULL (OF1.0): the
 * binding is given up cleanly and the inside host hears of it by policy.
 */
class TableFullTest {
    private static final String SERVER = "198.51.100.7";

    private final RecordingListener listener = new RecordingListener();

    private EngineHarness harness(OFVersion v, SwitchConfig config) {
        return new EngineHarness(v, config, new BindingIds(), listener).connected();
    }

    private EngineHarness harness(OFVersion v) {
        return harness(v, EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC));
    }

    private static byte[] syn(MacAddress src, String host, int port) {
        return Frames.tcp(src, GW_IN, host, port, SERVER, 80, TcpFlags.SYN);
    }

    private static byte[] serialised(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    /** The switch's error for {@code failed}, quoting its first 64 bytes as Open vSwitch does. */
    private static OFErrorMsg tableFull(OFFactory f, OFMessage failed) {
        return tableFull(f, failed.getXid(), Arrays.copyOf(serialised(failed), 64));
    }

    private static OFErrorMsg tableFull(OFFactory f, long xid, byte[] quoted) {
        return f.errorMsgs().buildFlowModFailedErrorMsg().setXid(xid)
                .setCode(f.getVersion() == OFVersion.OF_10 ? OFFlowModFailedCode.ALL_TABLES_FULL
                        : OFFlowModFailedCode.TABLE_FULL)
                .setData(OFErrorCauseData.of(quoted, f.getVersion())).build();
    }

    private static List<OFFlowAdd> flowAdds(List<OFMessage> out) {
        return out.stream().filter(OFFlowAdd.class::isInstance).map(OFFlowAdd.class::cast).toList();
    }

    private static Binding tcpBinding(EngineHarness h, String host, int port) {
        return h.engine.bindings().byInside(Protocol.TCP, Endpoint.of(host, port)).orElseThrow();
    }

    /** RFC 1071: the ones' complement sum over a range that includes its checksum field is 0xffff. */
    private static int onesSum(byte[] b, int from, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = b[from + i] & 0xff;
            int lo = i + 1 < length ? b[from + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }

    /** Checks the ICMP admin-prohibited frame the gateway sends h1 about its first packet {@code first}. */
    private static void assertAdminProhibited(byte[] frame, byte[] first) {
        int ipHeader = 20;
        byte[] quote = Arrays.copyOfRange(first, 14, 14 + ipHeader + 8); // the SYN's IP header + 8 bytes
        assertEquals(14 + 20 + 8 + quote.length, frame.length);
        assertArrayEquals(H1.getBytes(), Arrays.copyOfRange(frame, 0, 6), "to h1's MAC");
        assertArrayEquals(GW_IN.getBytes(), Arrays.copyOfRange(frame, 6, 12), "from the gateway's inside MAC");
        assertArrayEquals(new byte[] {0x08, 0x00, 0x45, 0x00}, Arrays.copyOfRange(frame, 12, 16));
        assertEquals(20 + 8 + quote.length, ((frame[16] & 0xff) << 8) | (frame[17] & 0xff), "IP total length");
        assertEquals(1, frame[14 + 9], "protocol ICMP");
        assertArrayEquals(new byte[] {10, 0, 0, 1}, Arrays.copyOfRange(frame, 26, 30), "from the inside gateway");
        assertArrayEquals(new byte[] {10, 0, 0, 11}, Arrays.copyOfRange(frame, 30, 34), "to h1");
        assertEquals(0xffff, onesSum(frame, 14, 20), "IP header checksum");
        assertEquals(3, frame[34], "destination unreachable");
        assertEquals(13, frame[35], "communication administratively prohibited");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(frame, 38, 42), "unused");
        assertArrayEquals(quote, Arrays.copyOfRange(frame, 42, frame.length), "the first packet, as h1 sent it");
        assertEquals(0xffff, onesSum(frame, 34, frame.length - 34), "ICMP checksum");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aRefusedBindingIsGivenUpAndTheHostToldWithIcmp(OFVersion v) {
        EngineHarness h = harness(v);
        FlowCompiler compiler = FlowCompiler.forFactory(h.factory);
        h.packetIn(P2, Frames.udp(H2, GW_IN, "10.0.0.12", 5000, SERVER, 53, new byte[4]));
        Binding other = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.12", 5000)).orElseThrow();
        listener.take();

        byte[] first = syn(H1, "10.0.0.11", 40000);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, first));
        assertEquals(v == OFVersion.OF_13 ? 3 : 2, adds.size(), "inbound and outbound flow (OF1.3: then the handshake flow)");
        Binding refused = tcpBinding(h, "10.0.0.11", 40000);
        assertEquals(40000, refused.external().port(), "the inside port, preserved");
        listener.take();

        List<OFMessage> out = h.engine.onError(tableFull(h.factory, adds.get(0)), h.now);

        List<OFMessage> expected = new ArrayList<>(compiler.removeBinding(refused.spec()));
        assertEquals(Xids.zeroed(expected), Xids.zeroed(out.subList(0, expected.size())),
                "whatever of its flows got in is deleted");
        assertEquals(expected.size() + 1, out.size());
        OFPacketOut icmp = assertInstanceOf(OFPacketOut.class, out.get(out.size() - 1));
        assertEquals(List.of(h.factory.actions().output(P1, 0)), icmp.getActions());
        assertEquals(P1, ((OFActionOutput) icmp.getActions().get(0)).getPort());
        assertAdminProhibited(icmp.getData(), first);

        assertTrue(h.engine.bindings().byId(refused.id()).isEmpty(), "binding gone");
        assertTrue(h.engine.bindings().byId(other.id()).isPresent(), "the other binding untouched");
        assertEquals(List.of(new Removed(refused, RemovalReason.TABLE_FULL, null, h.now)), listener.take());
        assertEquals(1, h.counter("nat.binding_refused.table_full"));
        assertEquals(1, h.counter("nat.table_full.icmp_sent"));

        // the outbound flow-mod's error: the binding is already gone
        assertEquals(List.of(), h.engine.onError(tableFull(h.factory, adds.get(1)), h.now));
        assertEquals(List.of(), listener.take());
        assertEquals(1, h.counter("nat.binding_refused.table_full"));
        assertEquals(1, h.counter("nat.table_full.already_gone"));
        assertTrue(h.engine.bindings().byId(other.id()).isPresent());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void theRefusedPortIsNotHandedOutAgainAtOnce(OFVersion v) {
        EngineHarness h = harness(v);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        int refusedPort = tcpBinding(h, "10.0.0.11", 40000).external().port();
        h.engine.onError(tableFull(h.factory, adds.get(1)), h.now);

        h.now += 1_000; // the SYN retransmitted: a new attempt, a new binding
        h.packetIn(P1, syn(H1, "10.0.0.11", 40000));
        assertNotEquals(refusedPort, tcpBinding(h, "10.0.0.11", 40000).external().port());
        h.packetIn(P2, syn(H2, "10.0.0.12", 40000));
        assertNotEquals(refusedPort, tcpBinding(h, "10.0.0.12", 40000).external().port());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void underDropNothingButTheCleanup(OFVersion v) {
        EngineHarness h = harness(v, EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC)
                .withOnTableFull(TableFullPolicy.DROP));
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        Binding refused = tcpBinding(h, "10.0.0.11", 40000);
        List<OFMessage> out = h.engine.onError(tableFull(h.factory, adds.get(1)), h.now);
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(refused.spec())), Xids.zeroed(out));
        assertTrue(h.engine.bindings().byId(refused.id()).isEmpty());
        assertEquals(1, h.counter("nat.binding_refused.table_full"));
        assertEquals(0, h.counter("nat.table_full.icmp_sent"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aFailedSessionLeavesTheOtherSessionsOfItsMapping(OFVersion v) {
        EngineHarness h = harness(v, EngineHarness.config(PortRange.DEFAULT, TimerConfig.RFC)
                .withFiltering(Filtering.ADDRESS_AND_PORT_DEPENDENT));
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, SERVER, 53, new byte[4]));
        Binding live = h.engine.bindings().byInside(Protocol.UDP, Endpoint.of("10.0.0.11", 5000)).orElseThrow();
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1,
                Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "198.51.100.8", 53, new byte[4])));
        assertEquals(2, h.engine.bindings().sessions(Protocol.UDP, Endpoint.of("10.0.0.11", 5000)));
        Binding second = h.engine.bindings().all().stream().filter(b -> b.id() != live.id()).findFirst().orElseThrow();

        List<OFMessage> out = h.engine.onError(tableFull(h.factory, adds.get(0)), h.now);
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(second.spec())),
                Xids.zeroed(out.subList(0, out.size() - 1)), "only the failed session's flows");
        assertEquals(List.of(live), List.copyOf(h.engine.bindings().all()));
        // the mapping keeps its public port: a third remote gets a session on it
        h.packetIn(P1, Frames.udp(H1, GW_IN, "10.0.0.11", 5000, "198.51.100.9", 53, new byte[4]));
        assertTrue(h.engine.bindings().all().stream().allMatch(b -> b.external().equals(live.external())));
        assertEquals(2, h.engine.bindings().sessions(Protocol.UDP, Endpoint.of("10.0.0.11", 5000)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aWholeQuoteIsReadToo(OFVersion v) {
        EngineHarness h = harness(v);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        h.engine.onError(tableFull(h.factory, adds.get(1).getXid(), serialised(adds.get(1))), h.now);
        assertEquals(0, h.engine.bindings().size());
        assertEquals(1, h.counter("nat.binding_refused.table_full"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void otherErrorsLeaveTheBindingAlone(OFVersion v) {
        EngineHarness h = harness(v);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        OFFactory f = h.factory;
        byte[] quote = Arrays.copyOf(serialised(adds.get(0)), 64);
        OFErrorMsg overlap = f.errorMsgs().buildFlowModFailedErrorMsg().setCode(OFFlowModFailedCode.OVERLAP)
                .setData(OFErrorCauseData.of(quote, v)).build();
        OFErrorMsg badRequest = f.errorMsgs().buildBadRequestErrorMsg().setCode(OFBadRequestCode.BAD_TYPE)
                .setData(OFErrorCauseData.of(quote, v)).build();
        assertEquals(List.of(), h.engine.onError(overlap, h.now));
        assertEquals(List.of(), h.engine.onError(badRequest, h.now));
        assertEquals(1, h.engine.bindings().size());
        assertEquals(0, h.counter("nat.binding_refused.table_full"));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void malformedErrorDataIsCountedAndHarmless(OFVersion v) {
        EngineHarness h = harness(v);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        OFFactory f = h.factory;
        byte[] flowMod = serialised(adds.get(0));
        int cookieEnd = (v == OFVersion.OF_10 ? 48 : 8) + 8;
        List<byte[]> quotes = List.of(new byte[0], Arrays.copyOf(flowMod, 7), Arrays.copyOf(flowMod, cookieEnd - 1),
                Arrays.copyOf(serialised(f.barrierRequest()), 64), new byte[64]);
        for (byte[] q : quotes) {
            assertEquals(List.of(), h.engine.onError(tableFull(f, 0, q), h.now));
        }
        assertEquals(quotes.size(), h.counter("nat.table_full.unreadable"));
        assertEquals(1, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aPipelineFlowRefusedIsCountedOnly(OFVersion v) {
        EngineHarness h = harness(v);
        h.packetIn(P1, syn(H1, "10.0.0.11", 40000));
        OFMessage pipelineFlow = h.engine.onConnect(h.now).get(0);
        assertEquals(List.of(), h.engine.onError(tableFull(h.factory, pipelineFlow), h.now));
        assertEquals(1, h.counter("nat.table_full.other_flow"));
        assertEquals(1, h.engine.bindings().size());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aRefusedStaticBindingIsGivenUpWithoutIcmp(OFVersion v) {
        EngineHarness h = harness(v);
        h.packetIn(P1, Frames.arp(1, MacAddress.BROADCAST, H1, "10.0.0.11", MacAddress.NONE, "10.0.0.1"));
        StaticOutcome o = h.engine.createStatic(new StaticRequest(Protocol.TCP, Endpoint.of("10.0.0.11", 8080),
                Endpoint.of("203.0.113.1", 8080)), h.now);
        StaticOutcome.Created created = assertInstanceOf(StaticOutcome.Created.class, o);
        List<OFMessage> out = h.engine.onError(tableFull(h.factory, created.messages().get(0)), h.now);
        assertEquals(Xids.zeroed(FlowCompiler.forFactory(h.factory).removeBinding(created.binding().spec())),
                Xids.zeroed(out));
        assertEquals(0, h.engine.bindings().size());
        assertEquals(1, h.counter("nat.table_full.no_first_packet"));
        // its public port is free again after the cooldown only; the operator may ask again later
        h.now += NaptAllocator.SETTLE_MS;
        assertInstanceOf(StaticOutcome.Created.class, h.engine.createStatic(new StaticRequest(Protocol.TCP,
                Endpoint.of("10.0.0.11", 8080), Endpoint.of("203.0.113.1", 8080)), h.now));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aRefusedFtpControlConnectionIsGivenUpLikeAnyOther(OFVersion v) {
        FtpAlgFixture f = new FtpAlgFixture(v);
        byte[] syn = FtpAlgFixture.fromClient(FtpAlgFixture.CLIENT_ISN, 0, FtpAlgFixture.SYN, "")
                .tcpOptions(FtpAlgFixture.SYN_OPTIONS).frame();
        List<OFFlowAdd> adds = flowAdds(f.h.packetIn(P1, syn));
        assertEquals(2, adds.size());
        Binding control = f.binding(FtpAlgFixture.CONTROL);

        List<OFMessage> out = f.h.engine.onError(tableFull(f.h.factory, adds.get(1)), f.h.now);
        assertEquals(Xids.zeroed(f.c.removeBinding(control.spec())), Xids.zeroed(out.subList(0, out.size() - 1)));
        assertAdminProhibited(assertInstanceOf(OFPacketOut.class, out.get(out.size() - 1)).getData(), syn);
        assertEquals(0, f.h.engine.bindings().size());
        assertEquals(java.util.Map.of(), f.h.engine.algChildren(f.h.now));
        assertEquals(List.of(new Removed(control, RemovalReason.TABLE_FULL, null, f.h.now)),
                f.listener.take().stream().filter(Removed.class::isInstance).toList());
        assertEquals(1, f.h.counter("nat.binding_refused.table_full"));
    }

    @Test
    void aRefusedHandshakeFlowKeepsTheBindingAndEstablishesIt() {
        EngineHarness h = harness(OFVersion.OF_13);
        FlowCompiler compiler = FlowCompiler.forFactory(h.factory);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        assertEquals(3, adds.size());
        assertEquals(Priorities.TCP_HANDSHAKE, adds.get(2).getPriority(), "the handshake flow comes last");
        Binding b = tcpBinding(h, "10.0.0.11", 40000);
        assertEquals(BindingState.TRANSITORY, b.state());
        assertFalse(compiler.isHandshakeFlowMod(tableFull(h.factory, adds.get(0))));
        assertFalse(compiler.isHandshakeFlowMod(tableFull(h.factory, adds.get(1))));
        assertTrue(compiler.isHandshakeFlowMod(tableFull(h.factory, adds.get(2))));
        listener.take();

        List<OFMessage> out = h.engine.onError(tableFull(h.factory, adds.get(2)), h.now);

        Binding kept = h.engine.bindings().byId(b.id()).orElseThrow();
        assertEquals(BindingState.ESTABLISHED, kept.state(), "its flows are in: kept, without its report");
        assertEquals(Xids.zeroed(List.of(compiler.reinstallOutbound(kept.spec()))), Xids.zeroed(out),
                "only the outbound flow re-added with the established timeout; no ICMP, nothing deleted");
        assertEquals(TimerConfig.RFC.tcpEstablished(), kept.spec().idleTimeout());
        assertEquals(List.of(), listener.take().stream().filter(Removed.class::isInstance).toList());
        assertEquals(0, h.counter("nat.binding_refused.table_full"));
        assertEquals(1, h.counter("nat.table_full.handshake_flow"));
        // a second such error (e.g. a retried flow-mod) changes nothing
        assertEquals(List.of(), h.engine.onError(tableFull(h.factory, adds.get(2)), h.now));
        assertEquals(BindingState.ESTABLISHED, h.engine.bindings().byId(b.id()).orElseThrow().state());
    }

    @Test
    void anOpenFlow10QuoteIsNeverTakenForAHandshakeFlow() {
        EngineHarness h = harness(OFVersion.OF_10);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        FlowCompiler compiler = FlowCompiler.forFactory(h.factory);
        assertTrue(adds.stream().noneMatch(a -> compiler.isHandshakeFlowMod(tableFull(h.factory, a))));
    }

    @Test
    void anErrorAfterTheFirstPacketWasForgottenGivesUpWithoutIcmp() {
        EngineHarness h = harness(OFVersion.OF_13);
        List<OFFlowAdd> adds = flowAdds(h.packetIn(P1, syn(H1, "10.0.0.11", 40000)));
        h.now += FirstPackets.KEEP_MS;
        List<OFMessage> out = h.engine.onError(tableFull(h.factory, adds.get(0)), h.now);
        assertTrue(out.stream().noneMatch(OFPacketOut.class::isInstance));
        assertEquals(0, h.engine.bindings().size());
        assertEquals(1, h.counter("nat.table_full.no_first_packet"));
    }
}
