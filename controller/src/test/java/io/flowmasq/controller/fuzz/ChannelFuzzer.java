package io.flowmasq.controller.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a running controller {@code count} fuzzed OpenFlow messages ({@link OpenFlowMutations}) as the
 * switch {@code dpid}, flushing every {@value #BATCH} messages. When the controller closes the connection
 * (framing loss) it reconnects and goes on with the next message; reconnects are counted. Message
 * {@code i} depends only on the seed and {@code i}, so a run is reproducible whatever the timing. After a
 * message that breaks the framing on purpose it waits for the controller to close (or closes itself when
 * the controller rightly waits for the rest of an overlong message) and reconnects, so that every other
 * message reaches the controller whole.
 */
public final class ChannelFuzzer {
    static final int BATCH = 64;
    private static final int MAX_CONSECUTIVE_FAILURES = 5;
    /** Generous: the controller first works through every message queued before the broken one. */
    private static final long CLOSE_WAIT_MS = 30_000;
    private static final long OVERRUN_WAIT_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(ChannelFuzzer.class);

    /** What one run did. */
    /**
     * @param reconnects times the controller closed the connection after a header length below 8, as it must
     * @param restarts times the fuzzer closed it itself after a message longer than announced
     * @param unexpectedCloses times the controller closed the connection after an intact message: a bug
     */
    public record Result(long sent, long reconnects, long restarts, long unexpectedCloses, long received,
                         long echoesAnswered, long millis) {
    }

    private final InetSocketAddress controller;
    private final OFVersion version;
    private final DatapathId dpid;
    private final FuzzNetwork net;
    private final long seed;

    public ChannelFuzzer(InetSocketAddress controller, OFVersion version, DatapathId dpid, FuzzNetwork net,
                         long seed) {
        this.controller = controller;
        this.version = version;
        this.dpid = dpid;
        this.net = net;
        this.seed = seed;
    }

    public Result run(long count) throws IOException {
        long started = System.nanoTime();
        OpenFlowMutations messages = new OpenFlowMutations(version, net, seed);
        long reconnects = 0;
        long restarts = 0;
        long unexpectedCloses = 0;
        long received = 0;
        long echoes = 0;
        int failures = 0;
        FuzzSwitch sw = FuzzSwitch.connect(controller, version, dpid, net, messages);
        long i = 0;
        try {
            while (i < count) {
                try {
                    OpenFlowMutations.Fuzzed m = messages.message(i);
                    if (m.framing() == OpenFlowMutations.Framing.INTACT) {
                        sw.send(m.bytes());
                    } else {
                        sw.sendLast(m.bytes());
                    }
                    i++;
                    if (m.framing() != OpenFlowMutations.Framing.INTACT) {
                        sw.flush();
                        if (m.framing() == OpenFlowMutations.Framing.CLOSES) {
                            if (!sw.awaitClosed(CLOSE_WAIT_MS)) {
                                throw new IllegalStateException("seed " + seed + " message " + (i - 1)
                                        + ": the controller kept a connection whose framing was lost");
                            }
                            reconnects++;
                        } else {
                            // the controller rightly waits for the rest of the message (until its echo
                            // probe fails): give it a moment to take the bytes, then end the session ourselves
                            sw.awaitClosed(OVERRUN_WAIT_MS);
                            restarts++;
                        }
                        received += sw.received();
                        echoes += sw.echoesAnswered();
                        sw.close();
                        sw = FuzzSwitch.connect(controller, version, dpid, net, messages);
                    } else if (i % BATCH == 0 || i == count) {
                        sw.flush();
                    }
                    failures = 0;
                } catch (IOException e) {
                    received += sw.received();
                    echoes += sw.echoesAnswered();
                    sw.close();
                    if (++failures > MAX_CONSECUTIVE_FAILURES) {
                        throw new IOException("seed " + seed + " message " + i + ": cannot reconnect", e);
                    }
                    unexpectedCloses++;
                    LOG.warn("seed {} message {}: the controller closed the connection unasked; reconnecting",
                            seed, i);
                    sw = FuzzSwitch.connect(controller, version, dpid, net, messages);
                }
            }
            // the echo reply comes after every message before it was handled
            if (!sw.sync(30_000)) {
                throw new IOException("seed " + seed + ": no echo reply after the last message");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            received += sw.received();
            echoes += sw.echoesAnswered();
            sw.close();
        }
        return new Result(i, reconnects, restarts, unexpectedCloses, received, echoes, (System.nanoTime() - started) / 1_000_000);
    }
}
