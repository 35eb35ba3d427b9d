package io.flowmasq.controller.fuzz;

import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFStatsType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.U64;

/**
 * One TCP connection to the controller that plays a switch: HELLO, FEATURES_REPLY for its dpid,
 * answers to echo, barrier, port-description and flow statistics requests (on a reader thread), and
 * the next hop's ARP answer so that the engine can forward. Then it sends whatever bytes it is given.
 * {@link #isClosed()} turns true when the controller closes the connection.
 */
public final class FuzzSwitch implements AutoCloseable {
    private static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final int CAPTURE_LIMIT = 10_000;

    private final OFFactory factory;
    private final OpenFlowMutations messages;
    private final DatapathId dpid;
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final CountDownLatch handshaken = new CountDownLatch(1);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong echoesAnswered = new AtomicLong();
    private final BlockingQueue<OFMessage> captured = new LinkedBlockingQueue<>(CAPTURE_LIMIT);
    private final Thread reader;
    private volatile boolean closed;
    private volatile boolean capturing;
    private volatile long lastEchoReply = -1;
    private boolean muted; // guarded by this: a framing-breaking message was the last thing sent

    private FuzzSwitch(InetSocketAddress controller, OFVersion version, DatapathId dpid, OpenFlowMutations messages)
            throws IOException {
        this.factory = OFFactories.getFactory(version);
        this.messages = messages;
        this.dpid = dpid;
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(controller, HANDSHAKE_TIMEOUT_MS);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new DataInputStream(socket.getInputStream());
        this.reader = new Thread(this::readLoop, "fuzz-switch-reader");
        reader.setDaemon(true);
    }

    /** Connects, completes the handshake and teaches the engine its next hop; fails after 10 s. */
    public static FuzzSwitch connect(InetSocketAddress controller, OFVersion version, DatapathId dpid,
                                     FuzzNetwork net, OpenFlowMutations messages) throws IOException {
        FuzzSwitch s = new FuzzSwitch(controller, version, dpid, messages);
        try {
            s.reader.start();
            s.send(OpenFlowMutations.bytes(s.factory.buildHello().build()));
            s.flush();
            if (!s.handshaken.await(HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("no handshake with " + controller + " within " + HANDSHAKE_TIMEOUT_MS + " ms");
            }
            s.send(OpenFlowMutations.bytes(messages.packetIn(nextHopArpReply(net), net.outsidePort(), U64.ZERO)));
            s.flush();
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    public synchronized void send(byte[] message) throws IOException {
        if (closed) {
            throw new EOFException("controller closed the connection");
        }
        out.write(message);
    }

    /**
     * Sends a message that breaks the framing, and nothing after it on this connection: an answer the reader
     * thread would write next (to a stats request, a barrier, an echo) would become part of an overlong
     * message's body, or the start of a bogus header, and make the controller lose the framing a second,
     * unplanned time.
     */
    public synchronized void sendLast(byte[] message) throws IOException {
        send(message);
        muted = true;
    }

    public synchronized void flush() throws IOException {
        if (closed) {
            throw new EOFException("controller closed the connection");
        }
        out.flush();
    }

    /**
     * Sends an ECHO_REQUEST and waits for its reply: the controller has then handled every message sent
     * before it. False when the connection closed or the reply did not come in time.
     */
    public boolean sync(long timeoutMillis) throws IOException, InterruptedException {
        long xid = 0x7f00_0000L + (System.nanoTime() & 0xffff);
        send(OpenFlowMutations.bytes(factory.buildEchoRequest().setXid(xid).setData(new byte[0]).build()));
        flush();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (lastEchoReply != xid && !closed && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return lastEchoReply == xid;
    }

    /** Waits until the controller closes the connection; false when it is still open after the timeout. */
    public boolean awaitClosed(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!closed && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        return closed;
    }

    public boolean isClosed() {
        return closed;
    }

    public long received() {
        return received.get();
    }

    public long echoesAnswered() {
        return echoesAnswered.get();
    }

    /** From now on keeps the controller's messages (up to 10,000) for {@link #poll}. */
    public void capture() {
        captured.clear();
        capturing = true;
    }

    public OFMessage poll(long timeoutMillis) throws InterruptedException {
        return captured.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void readLoop() {
        try {
            byte[] header = new byte[8];
            while (!closed) {
                in.readFully(header);
                int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                if (length < 8) {
                    throw new IOException("controller sent a message of length " + length);
                }
                byte[] message = new byte[length];
                System.arraycopy(header, 0, message, 0, 8);
                in.readFully(message, 8, length - 8);
                received.incrementAndGet();
                answer(OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(message)));
            }
        } catch (SocketTimeoutException e) {
            // never set: blocking reads
        } catch (Exception e) {
            // EOF, reset, or a message we cannot read: the connection is over either way
        } finally {
            closed = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void answer(OFMessage m) throws Exception {
        if (m == null) {
            return;
        }
        if (capturing) {
            captured.offer(m);
        }
        switch (m.getType()) {
            case ECHO_REQUEST -> {
                echoesAnswered.incrementAndGet();
                reply(factory.buildEchoReply().setXid(m.getXid())
                        .setData(((org.projectfloodlight.openflow.protocol.OFEchoRequest) m).getData()).build());
            }
            case ECHO_REPLY -> lastEchoReply = m.getXid();
            case FEATURES_REQUEST -> reply(messages.featuresReply(dpid, m.getXid()));
            case BARRIER_REQUEST -> {
                reply(factory.buildBarrierReply().setXid(m.getXid()).build());
                handshaken.countDown(); // the first is the handshake's, after SET_CONFIG
            }
            case STATS_REQUEST -> {
                OFStatsRequest<?> request = (OFStatsRequest<?>) m;
                if (request.getStatsType() == OFStatsType.PORT_DESC) {
                    reply(factory.buildPortDescStatsReply().setXid(m.getXid()).setEntries(messages.ports(new Random(0)))
                            .build());
                } else if (request.getStatsType() == OFStatsType.FLOW) {
                    reply(factory.buildFlowStatsReply().setXid(m.getXid()).setEntries(List.of()).build());
                }
            }
            default -> { }
        }
    }

    private synchronized void reply(OFMessage m) throws IOException {
        if (muted) {
            return;
        }
        out.write(OpenFlowMutations.bytes(m));
        out.flush();
    }

    /** The next hop answers the gateway's ARP request (opcode 2, from the outside port). */
    static byte[] nextHopArpReply(FuzzNetwork net) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + 28);
        b.put(net.gatewayOutsideMac().getBytes()).put(net.nextHopMac().getBytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 2)
                .put(net.nextHopMac().getBytes()).putInt(net.nextHop().getInt())
                .put(net.gatewayOutsideMac().getBytes()).putInt(net.publicAddress().getInt());
        return b.array();
    }
}
