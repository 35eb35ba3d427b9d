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
 * {@code i} depends only on the seed and {@code i}, so a run is reproducible whatever the timing.
 */
public final class ChannelFuzzer {
    static final int BATCH = 64;
    private static final int MAX_CONSECUTIVE_FAILURES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ChannelFuzzer.class);

    /** What one run did. */
    /**
     * @param reconnects times the controller closed the connection (framing loss) and the fuzzer reconnected
     * @param restarts times the fuzzer closed it itself: the run ended inside a message longer than announced
     */
    public record Result(long sent, long reconnects, long restarts, long received, long echoesAnswered,
                         long millis) {
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
        long received = 0;
        long echoes = 0;
        int failures = 0;
        FuzzSwitch sw = FuzzSwitch.connect(controller, version, dpid, net, messages);
        long i = 0;
        try {
            while (i < count) {
                try {
                    sw.send(messages.message(i));
                    i++;
                    if (i % BATCH == 0 || i == count) {
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
                    reconnects++;
                    LOG.info("seed {} message {}: the controller closed the connection; reconnecting", seed, i);
                    sw = FuzzSwitch.connect(controller, version, dpid, net, messages);
                    i++; // the message that broke the framing is not sent again
                }
            }
            // The echo reply comes after every message before it was handled. When the stream ended in the
            // middle of a message whose length lied, the controller waits for its body: start afresh.
            if (!sw.sync(3_000)) {
                received += sw.received();
                echoes += sw.echoesAnswered();
                sw.close();
                restarts++;
                sw = FuzzSwitch.connect(controller, version, dpid, net, messages);
                if (!sw.sync(30_000)) {
                    throw new IOException("seed " + seed + ": no echo reply on a fresh connection after the run");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            received += sw.received();
            echoes += sw.echoesAnswered();
            sw.close();
        }
        return new Result(i, reconnects, restarts, received, echoes, (System.nanoTime() - started) / 1_000_000);
    }
}
