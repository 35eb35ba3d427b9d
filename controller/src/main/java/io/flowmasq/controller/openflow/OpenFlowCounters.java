package io.flowmasq.controller.openflow;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named event counters of the OpenFlow channel, shared by all connections and safe to bump from
 * any thread. Names in use: {@value #MESSAGES_IN}, {@value #MESSAGES_OUT}, {@value #PARSE_ERRORS},
 * {@value #FRAMING_ERRORS}, {@value #ERROR_PREFIX}&lt;TYPE&gt; (an OFPT_ERROR received, by
 * OFErrorType), {@value #HANDSHAKE_FAILED}, {@value #ECHO_TIMEOUTS}, {@value #HANDLER_EXCEPTIONS},
 * {@value #VERSION_MISMATCH}, {@value #UNWRITABLE}, {@value #PACKET_OUT_DROPPED}, {@value #PIPELINE_EXCEPTIONS}.
 */
public final class OpenFlowCounters {
    public static final String MESSAGES_IN = "of.messages.in";
    public static final String MESSAGES_OUT = "of.messages.out";
    public static final String PARSE_ERRORS = "of.parse_errors";
    public static final String FRAMING_ERRORS = "of.framing_errors";
    public static final String ERROR_PREFIX = "of.error.";
    public static final String HANDSHAKE_FAILED = "of.handshake.failed";
    public static final String ECHO_TIMEOUTS = "of.echo.timeouts";
    public static final String HANDLER_EXCEPTIONS = "handler.exceptions";
    /** An exception that reached the end of a connection's pipeline (the connection is closed). */
    public static final String PIPELINE_EXCEPTIONS = "of.pipeline_exceptions";
    /** A message whose version differs from the one negotiated for its connection (dropped). */
    public static final String VERSION_MISMATCH = "of.version_mismatch";

    /** A switch connection's outbound buffer went above its high-water mark (reading paused). */
    public static final String UNWRITABLE = "openflow.unwritable";
    /** A packet-out not written because the connection was unwritable. */
    public static final String PACKET_OUT_DROPPED = "openflow.packet_out_dropped.unwritable";

    private final ConcurrentMap<String, LongAdder> counters = new ConcurrentHashMap<>();

    public void increment(String name) {
        counters.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    /** The current value of one counter; 0 if it was never incremented. */
    public long get(String name) {
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** A point-in-time copy, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((name, adder) -> copy.put(name, adder.sum()));
        return Collections.unmodifiableMap(copy);
    }
}
