package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

class OpenFlowHandshakeTest {
    private final OpenFlowCounters counters = new OpenFlowCounters();
    private final SwitchRegistry registry = new SwitchRegistry();
    private final RecordingHandlerFactory factory = new RecordingHandlerFactory();
    private final TestSwitch sw = new TestSwitch(factory, counters, registry);
    private final OFFactory of13 = TestSwitch.of(OFVersion.OF_13);
    private final OFFactory of10 = TestSwitch.of(OFVersion.OF_10);

    @AfterEach
    void releaseBuffers() {
        sw.finish();
    }

    @Test
    void sendsOf13HelloOffering10And13OnConnect() {
        List<OFMessage> sent = sw.sent();
        assertEquals(1, sent.size());
        assertEquals(TestSwitch.helloWithBitmap(OFVersion.OF_13, 0b10010).createBuilder()
                .setXid(sent.get(0).getXid()).build(), sent.get(0));
        assertEquals(HandshakeState.WAIT_HELLO, sw.session.state());
    }

    @Test
    void negotiatesOf13FromPeerBitmap() {
        sw.sent();
        sw.receive(TestSwitch.helloWithBitmap(OFVersion.OF_13, 0b10010));
        assertFeaturesRequest(of13);
    }

    @Test
    void negotiatesHighestCommonVersionFromBitmapOfNewerPeer() {
        sw.sent();
        sw.receive(TestSwitch.helloWithBitmap(OFVersion.OF_15, 0b1111110)); // OF1.0..OF1.5
        assertFeaturesRequest(of13);
    }

    @Test
    void negotiatesOf10FromPlainOf10Hello() {
        sw.sent();
        sw.receive(of10.buildHello().build());
        assertFeaturesRequest(of10);
    }

    @Test
    void negotiatesOf13FromNewerPeerWithoutBitmap() {
        sw.sent();
        sw.receive(TestSwitch.of(OFVersion.OF_14).buildHello().build());
        assertFeaturesRequest(of13);
    }

    private void assertFeaturesRequest(OFFactory expected) {
        List<OFMessage> sent = sw.sent();
        assertEquals(1, sent.size());
        assertEquals(expected.buildFeaturesRequest().setXid(sent.get(0).getXid()).build(), sent.get(0));
        assertEquals(HandshakeState.WAIT_FEATURES_REPLY, sw.session.state());
    }

    @Test
    void peerWithOnlyOf11InBitmapGetsHelloFailedAndIsClosed() {
        sw.sent();
        sw.receive(TestSwitch.helloWithBitmap(OFVersion.OF_13, 0b100).createBuilder().setXid(77).build());
        assertHelloFailed(77);
    }

    @Test
    void plainOf11HelloIsRejected() {
        sw.sent();
        sw.receive(TestSwitch.of(OFVersion.OF_11).buildHello().setXid(78).build());
        assertHelloFailed(78);
    }

    private void assertHelloFailed(long xid) {
        byte[] text = "supported versions: OF1.0, OF1.3".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(of10.errorMsgs().buildHelloFailedErrorMsg().setXid(xid)
                .setCode(OFHelloFailedCode.INCOMPATIBLE).setData(OFErrorCauseData.of(text, OFVersion.OF_10))
                .build()), sw.sent());
        assertFalse(sw.channel.isOpen());
        assertEquals(HandshakeState.CLOSED, sw.session.state());
        assertEquals(1, counters.get(OpenFlowCounters.HANDSHAKE_FAILED));
        assertTrue(factory.handlers.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void featuresReplyLeadsToSetConfigBarrierAndActive(OFVersion version) {
        OFFactory f = TestSwitch.of(version);
        sw.sent();
        sw.receive(version == OFVersion.OF_10 ? f.buildHello().build() : TestSwitch.helloWithBitmap(version, 0x12));
        sw.sent();
        OFFeaturesReply features = f.buildFeaturesReply().setDatapathId(DatapathId.of(0xabcdL)).build();
        sw.receive(features);

        List<OFMessage> sent = sw.sent();
        assertEquals(2, sent.size());
        assertEquals(f.buildSetConfig().setXid(sent.get(0).getXid()).setFlags(EnumSet.of(OFConfigFlags.FRAG_NORMAL))
                .setMissSendLen(0xffff).build(), sent.get(0));
        assertEquals(f.buildBarrierRequest().setXid(sent.get(1).getXid()).build(), sent.get(1));
        assertEquals(HandshakeState.ACTIVE, sw.session.state());

        RecordingHandlerFactory.RecordingHandler handler = factory.only();
        assertEquals(DatapathId.of(0xabcdL), handler.connection.dpid());
        assertEquals(version, handler.connection.factory().getVersion());
        assertEquals(features, handler.features);
        assertEquals(TestSwitch.CLOCK.instant(), handler.connection.connectedSince());
        assertEquals(List.of(handler.connection), List.copyOf(registry.connections()));

        // the handshake's own barrier reply stays in the channel; any other goes to the handler
        OFBarrierReply own = f.buildBarrierReply().setXid(sent.get(1).getXid()).build();
        OFBarrierReply other = f.buildBarrierReply().setXid(sent.get(1).getXid() + 1000).build();
        sw.receive(own, other);
        assertEquals(List.of(other), handler.messages);
    }

    @Test
    void messagesOtherThanHelloEchoErrorAreDroppedBeforeActive() {
        sw.sent();
        sw.receive(TestSwitch.helloWithBitmap(OFVersion.OF_13, 0x12));
        sw.sent();
        sw.receive(of13.buildPortStatus().setReason(OFPortReason.MODIFY).setDesc(of13.buildPortDesc().build()).build());
        sw.receive(of13.buildEchoRequest().setXid(5).setData(new byte[] {9}).build());
        assertEquals(List.of(of13.buildEchoReply().setXid(5).setData(new byte[] {9}).build()), sw.sent());
        assertEquals(HandshakeState.WAIT_FEATURES_REPLY, sw.session.state());
        assertTrue(sw.channel.isOpen());

        sw.receive(of13.buildFeaturesReply().setDatapathId(DatapathId.of(1)).build());
        assertTrue(factory.only().messages.isEmpty(), "the early PORT_STATUS must not be replayed");
    }

    @Test
    void handshakeNotCompleteWithinTenSecondsCloses() {
        sw.sent();
        sw.receive(TestSwitch.helloWithBitmap(OFVersion.OF_13, 0x12));
        sw.advanceSeconds(9);
        assertTrue(sw.channel.isOpen());
        sw.advanceSeconds(1);
        assertFalse(sw.channel.isOpen());
        assertEquals(1, counters.get(OpenFlowCounters.HANDSHAKE_FAILED));
        assertTrue(factory.handlers.isEmpty());
    }

    @Test
    void activeSessionIsNotTimedOut() {
        sw.activate(OFVersion.OF_13, 1);
        sw.receive(of13.echoRequest(new byte[0]));
        sw.advanceSeconds(4);
        sw.receive(of13.echoRequest(new byte[0]));
        sw.advanceSeconds(4);
        sw.receive(of13.echoRequest(new byte[0]));
        sw.advanceSeconds(4);
        assertTrue(sw.channel.isOpen());
        assertEquals(0, counters.get(OpenFlowCounters.HANDSHAKE_FAILED));
    }

    @Test
    void secondHelloIsIgnoredAndVersionStaysChosen() {
        sw.sent();
        sw.receive(of10.buildHello().build());
        sw.sent();
        sw.receive(TestSwitch.helloWithBitmap(OFVersion.OF_13, 0x12));
        assertTrue(sw.sent().isEmpty());
        sw.receive(of10.buildFeaturesReply().setDatapathId(DatapathId.of(2)).build());
        assertEquals(OFVersion.OF_10, factory.only().connection.factory().getVersion());
    }
}
