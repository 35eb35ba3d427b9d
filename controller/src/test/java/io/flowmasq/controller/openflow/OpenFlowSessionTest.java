package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.TableId;

/** An ACTIVE OF1.3 session: echo, liveness, errors, handler isolation, ticks, disconnect. */
class OpenFlowSessionTest {
    private final OpenFlowCounters counters = new OpenFlowCounters();
    private final SwitchRegistry registry = new SwitchRegistry();
    private final RecordingHandlerFactory factory = new RecordingHandlerFactory();
    private final TestSwitch sw = new TestSwitch(factory, counters, registry);
    private final OFFactory of13 = TestSwitch.of(OFVersion.OF_13);
    private RecordingHandlerFactory.RecordingHandler handler;

    @AfterEach
    void releaseBuffers() {
        sw.finish();
    }

    @BeforeEach
    void activate() {
        sw.activate(OFVersion.OF_13, 7);
        handler = factory.only();
    }

    private OFPacketIn packetIn(int n) {
        return of13.buildPacketIn().setXid(n).setBufferId(OFBufferId.NO_BUFFER).setTableId(TableId.of(0))
                .setReason(OFPacketInReason.NO_MATCH).setMatch(of13.buildMatch().build())
                .setData(new byte[] {(byte) n, 2, 3}).build();
    }

    @Test
    void echoRequestIsAnsweredWithSameXidAndData() {
        sw.receive(of13.buildEchoRequest().setXid(0x1234).setData(new byte[] {1, 2, 3}).build());
        assertEquals(List.of(of13.buildEchoReply().setXid(0x1234).setData(new byte[] {1, 2, 3}).build()), sw.sent());
        assertTrue(handler.messages.isEmpty());
    }

    @Test
    void silentPeerIsProbedThenDeclaredDead() {
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        List<OFMessage> sent = sw.sent();
        assertEquals(List.of(of13.buildEchoRequest().setXid(sent.get(0).getXid()).setData(new byte[0]).build()), sent);
        assertTrue(sw.channel.isOpen());

        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        sw.channel.runPendingTasks();
        assertFalse(sw.channel.isOpen());
        assertEquals(1, counters.get(OpenFlowCounters.ECHO_TIMEOUTS));
        assertEquals(1, handler.disconnects);
        assertTrue(registry.connections().isEmpty());
    }

    @Test
    void echoReplyKeepsPeerAlive() {
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        OFEchoRequest probe = (OFEchoRequest) sw.sent().get(0);
        sw.receive(of13.buildEchoReply().setXid(probe.getXid()).build());
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertTrue(sw.channel.isOpen());
        assertEquals(OFType.ECHO_REQUEST, sw.sent().get(0).getType(), "probes again instead");
        assertTrue(handler.messages.isEmpty(), "echo replies are consumed");
    }

    @Test
    void anyInboundMessageCountsAsLiveness() {
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        sw.receive(packetIn(1));
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertTrue(sw.channel.isOpen());
        assertEquals(0, counters.get(OpenFlowCounters.ECHO_TIMEOUTS));
    }

    @Test
    void errorIsCountedByTypeAndPassedToHandler() {
        OFFlowModFailedErrorMsg error = of13.errorMsgs().buildFlowModFailedErrorMsg().setXid(99)
                .setCode(OFFlowModFailedCode.TABLE_FULL)
                .setData(OFErrorCauseData.of(new byte[] {4, 14, 0, 8, 0, 0, 0, 99}, OFVersion.OF_13)).build();
        sw.receive(error);
        assertEquals(1, counters.get("of.error.FLOW_MOD_FAILED"));
        assertEquals(List.of(error), handler.messages);
        assertEquals("FLOW_MOD_FAILED/TABLE_FULL", OpenFlowErrors.describe((OFErrorMsg) handler.messages.get(0)));
        assertTrue(sw.channel.isOpen());
    }

    @Test
    void handlerExceptionIsCountedAndSessionStaysUp() {
        handler.throwOn = m -> m instanceof OFPacketIn pi && pi.getData()[0] == 1;
        sw.receive(packetIn(1), packetIn(2));
        assertEquals(List.of(packetIn(1), packetIn(2)), handler.messages);
        assertEquals(1, counters.get(OpenFlowCounters.HANDLER_EXCEPTIONS));
        assertTrue(sw.channel.isOpen());
        assertEquals(HandshakeState.ACTIVE, sw.session.state());
    }

    @Test
    void packetInsReachTheHandlerInOrder() {
        sw.receive(packetIn(1), packetIn(2), packetIn(3));
        assertEquals(List.of(packetIn(1), packetIn(2), packetIn(3)), handler.messages);
        assertEquals(0, counters.get(OpenFlowCounters.PARSE_ERRORS));
        assertTrue(sw.channel.inboundMessages().isEmpty());
        sw.assertInboundReleased();
    }

    @Test
    void messageOfAnotherVersionIsDropped() {
        sw.receive(TestSwitch.of(OFVersion.OF_10).echoRequest(new byte[0]));
        assertTrue(sw.sent().isEmpty());
        assertEquals(1, counters.get(OpenFlowCounters.VERSION_MISMATCH));
        assertTrue(sw.channel.isOpen());
    }

    @Test
    void ticksEverySecondUntilClosed() {
        sw.advanceSeconds(1);
        sw.advanceSeconds(1);
        sw.advanceSeconds(1);
        assertEquals(3, handler.ticks);
        sw.channel.close();
        sw.advanceSeconds(1);
        assertEquals(3, handler.ticks);
    }

    @Test
    void onDisconnectIsCalledExactlyOnce() {
        handler.connection.close("test");
        sw.channel.close();
        sw.channel.runPendingTasks();
        assertEquals(1, handler.disconnects);
        assertTrue(registry.connections().isEmpty());
    }

    @Test
    void connectionSendsBatchesAndSingleMessagesAndRunsTasksOnTheEventLoop() {
        handler.connection.send(List.of(of13.barrierRequest(), of13.echoRequest(new byte[] {1})));
        handler.connection.send(of13.barrierRequest());
        List<OFMessage> sent = sw.sent();
        assertEquals(List.of(OFType.BARRIER_REQUEST, OFType.ECHO_REQUEST, OFType.BARRIER_REQUEST),
                sent.stream().map(OFMessage::getType).toList());
        // HELLO, FEATURES_REQUEST, SET_CONFIG and BARRIER_REQUEST of the handshake, then these three
        assertEquals(4 + 3, counters.get(OpenFlowCounters.MESSAGES_OUT));

        int[] ran = {0};
        handler.connection.execute(() -> ran[0]++);
        sw.channel.runPendingTasks();
        assertEquals(1, ran[0]);
    }
}
