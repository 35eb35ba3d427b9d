package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/** One smoke test over loopback TCP: the server binds, handshakes a switch and closes it. */
class OpenFlowServerTest {
    private final OFFactory of13 = OFFactories.getFactory(OFVersion.OF_13);

    @Test
    @Timeout(20)
    void handshakesASwitchOverTcpAndDisconnectsItOnClose() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        CountDownLatch disconnected = new CountDownLatch(1);
        SwitchHandlerFactory factory = (connection, features) -> {
            connected.countDown();
            return new SwitchHandler() {
                @Override public void onMessage(OFMessage message) { }
                @Override public void onTick() { }
                @Override public void onDisconnect() { disconnected.countDown(); }
            };
        };
        OpenFlowServer server = new OpenFlowServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), factory, new OpenFlowCounters());
        try (server) {
            server.start();
            assertNotEquals(0, server.boundAddress().getPort());
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.boundAddress().getPort())) {
                socket.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                assertEquals(OFType.HELLO, read(in).getType());
                write(socket.getOutputStream(), TestSwitch.helloWithBitmap(OFVersion.OF_13, 0x12));
                assertEquals(OFType.FEATURES_REQUEST, read(in).getType());
                write(socket.getOutputStream(), of13.buildFeaturesReply().setDatapathId(DatapathId.of(5)).build());
                assertEquals(OFType.SET_CONFIG, read(in).getType());
                assertEquals(OFType.BARRIER_REQUEST, read(in).getType());
                assertTrue(connected.await(10, TimeUnit.SECONDS));
                assertEquals(DatapathId.of(5), server.registry().connections().iterator().next().dpid());
                server.close();
                assertTrue(disconnected.await(10, TimeUnit.SECONDS));
            }
        }
    }

    private static OFMessage read(DataInputStream in) throws Exception {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        byte[] message = new byte[length];
        System.arraycopy(header, 0, message, 0, 8);
        in.readFully(message, 8, length - 8);
        return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(message));
    }

    private static void write(OutputStream out, OFMessage message) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        out.write(bytes);
        out.flush();
    }
}
