package io.flowmasq.controller.metrics;

import io.flowmasq.rest.MetricsExposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The controller's Prometheus metrics, built on the official Java client (prometheus-metrics-*), served at
 * {@code /metrics} through {@link MetricsExposition}.
 *
 * <p>Each instance owns its own {@link PrometheusRegistry} rather than the library's static default registry, so
 * two controllers (or two tests) in one JVM never see each other's samples. All recording methods are thread-safe.
 * The packet path records through {@link #forSwitch}: a switch's {@link SwitchSeries} resolves each labelled data
 * point once and keeps it, since the library's label lookup (a list of the values, hashed and compared in a
 * concurrent map) called several times per packet-in was ~6% of the event loop in the load generator's profile.
 *
 * <p>Label values must come from bounded sets: {@code switch} is the configured switches' dpids ("00:00:00:00:00:00:00:01"),
 * every other label is a constant from the code. A null label value is recorded as {@value #UNKNOWN} rather than
 * throwing, because a metrics call must never break packet handling.
 */
public final class FlowmasqMetrics implements MetricsExposition {

    static final String UNKNOWN = "unknown";

    /** Removal reasons we label with; anything else is folded into "other" to keep the series bounded. */
    static final Set<String> REMOVAL_REASONS =
            Set.of("idle_timeout", "hard_timeout", "deleted_by_operator", "tcp_closed", "switch_deleted", "table_full",
                    "other");

    /** 10 µs .. 100 ms: a binding set-up is a table insert plus a FLOW_MOD/PACKET_OUT write, normally well under 1 ms. */
    static final double[] SETUP_BUCKETS =
            {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1};

    // Prefixes of the engine's dotted CounterSink names that have a labelled metric of their own.
    private static final String PACKET_IN = "nat.packet_in";
    private static final String REFUSED = "nat.refused.";
    private static final String MALFORMED = "nat.malformed.";
    private static final String OPENFLOW_ERROR = "openflow.error.";

    /** One row of {@code flowmasq_bindings_active}: the live bindings of one protocol on one switch. */
    public record ActiveBindings(String dpid, String protocol, long count) {}

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ConcurrentMap<String, SwitchSeries> switches = new ConcurrentHashMap<>();
    private final ExpositionFormats formats = ExpositionFormats.init();

    private final Counter bindingsCreated = Counter.builder()
            .name("flowmasq_bindings_created")
            .help("NAT bindings created, by switch, protocol and origin (dynamic or static)")
            .labelNames("switch", "protocol", "origin")
            .withoutExemplars()
            .register(registry);
    private final Counter bindingsRemoved = Counter.builder()
            .name("flowmasq_bindings_removed")
            .help("NAT bindings removed, by switch, protocol and reason"
                    + " (idle_timeout, hard_timeout, deleted_by_operator, tcp_closed, switch_deleted, table_full, other)")
            .labelNames("switch", "protocol", "reason")
            .withoutExemplars()
            .register(registry);
    private final Counter allocationRefusals = Counter.builder()
            .name("flowmasq_allocation_refusals")
            .help("New sessions refused because no public address or port could be given, or the switch had no room"
                    + " for their flows, by switch and reason")
            .labelNames("switch", "reason")
            .withoutExemplars()
            .register(registry);
    private final Counter packetIns = Counter.builder()
            .name("flowmasq_packet_ins")
            .help("OpenFlow PACKET_IN messages handled by the NAT engine, by switch")
            .labelNames("switch")
            .withoutExemplars()
            .register(registry);
    private final Counter flowMods = Counter.builder()
            .name("flowmasq_flow_mods")
            .help("OpenFlow FLOW_MOD messages sent, by switch")
            .labelNames("switch")
            .withoutExemplars()
            .register(registry);
    private final Counter packetOuts = Counter.builder()
            .name("flowmasq_packet_outs")
            .help("OpenFlow PACKET_OUT messages sent, by switch")
            .labelNames("switch")
            .withoutExemplars()
            .register(registry);
    private final Histogram bindingSetup = Histogram.builder()
            .name("flowmasq_binding_setup_seconds")
            .help("Time from the PACKET_IN that opened a session to its flows and packet being written, by switch")
            .labelNames("switch")
            .classicOnly()
            .classicUpperBounds(SETUP_BUCKETS)
            .withoutExemplars()
            .register(registry);
    private final Counter algRewrites = Counter.builder()
            .name("flowmasq_alg_rewrites")
            .help("Application-layer gateway payload rewrites, by ALG and command (e.g. ftp, PORT)")
            .labelNames("alg", "command")
            .withoutExemplars()
            .register(registry);
    private final Counter switchErrors = Counter.builder()
            .name("flowmasq_switch_errors")
            .help("OpenFlow ERROR messages received from switches, by switch and error type (e.g. FLOW_MOD_FAILED)")
            .labelNames("switch", "type")
            .withoutExemplars()
            .register(registry);
    private final Counter malformedPackets = Counter.builder()
            .name("flowmasq_malformed_packets")
            .help("Packets dropped because their headers could not be parsed, by switch and kind")
            .labelNames("switch", "kind")
            .withoutExemplars()
            .register(registry);
    private final Counter events = Counter.builder()
            .name("flowmasq_events")
            .help("Other engine events, by switch and the engine's stable event name (e.g. nat.icmp.echo_out)")
            .labelNames("switch", "event")
            .withoutExemplars()
            .register(registry);

    public FlowmasqMetrics() {
        // JVM and process metrics (memory, GC, threads, CPU, open fds) into our own registry, not the default one.
        JvmMetrics.builder().register(registry);
    }

    /**
     * Registers the callback behind {@code flowmasq_bindings_active{switch,protocol}}; it is called on each scrape,
     * so the gauge is always the binding tables' current size and nothing has to be kept in step. Call once.
     *
     * @throws IllegalArgumentException if a callback is already registered
     */
    public void bindingsActive(Supplier<List<ActiveBindings>> source) {
        Objects.requireNonNull(source, "source");
        GaugeWithCallback.builder()
                .name("flowmasq_bindings_active")
                .help("NAT bindings currently in the binding tables, by switch and protocol")
                .labelNames("switch", "protocol")
                .callback(callback -> {
                    for (ActiveBindings row : source.get()) {
                        callback.call(row.count(), label(row.dpid()), label(row.protocol()));
                    }
                })
                .register(registry);
    }

    /**
     * The series of one switch ({@code dpid} as the {@code switch} label), made on first use and kept: hold on to
     * it rather than ask again per event.
     */
    public SwitchSeries forSwitch(String dpid) {
        String label = label(dpid);
        SwitchSeries series = switches.get(label);
        return series != null ? series : switches.computeIfAbsent(label, SwitchSeries::new);
    }

    public void bindingCreated(String dpid, String protocol, String origin) {
        forSwitch(dpid).bindingCreated(protocol, origin);
    }

    /** {@code reason} outside {@link #REMOVAL_REASONS} is counted as "other". */
    public void bindingRemoved(String dpid, String protocol, String reason) {
        forSwitch(dpid).bindingRemoved(protocol, reason);
    }

    public void algRewrite(String alg, String command) {
        algRewrites.labelValues(label(alg), label(command)).inc();
    }

    /** {@code type}: the OpenFlow error type name, e.g. FLOW_MOD_FAILED. */
    public void switchError(String dpid, String type) {
        forSwitch(dpid).switchError(type);
    }

    /**
     * A data point resolved through the library on first use and kept. Racing threads may both resolve it; the
     * library returns the same data point for the same label values, so either result is the one.
     */
    private static final class Resolved<T> {
        private final Supplier<T> resolve;
        private volatile T value;

        Resolved(Supplier<T> resolve) {
            this.resolve = resolve;
        }

        T get() {
            T v = value;
            if (v == null) {
                v = resolve.get();
                value = v;
            }
            return v;
        }
    }

    /**
     * One switch's data points. Each is resolved through the library on its first event, never before, so a series
     * appears on {@code /metrics} exactly when it would without the cache (at its first event, not as a zero), and
     * is kept: the library returns the same data point for the same label values, so two threads racing to resolve
     * one store the same object. Thread-safe.
     */
    public final class SwitchSeries {
        private final String dpid;
        private final Resolved<CounterDataPoint> packetIn;
        private final Resolved<CounterDataPoint> flowMod;
        private final Resolved<CounterDataPoint> packetOut;
        private final Resolved<DistributionDataPoint> setup;
        /** By protocol, then origin / reason (label values from the code: few). */
        private final ConcurrentMap<String, ConcurrentMap<String, CounterDataPoint>> created = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, ConcurrentMap<String, CounterDataPoint>> removed = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, CounterDataPoint> refused = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, CounterDataPoint> errors = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, CounterDataPoint> malformed = new ConcurrentHashMap<>();
        /** {@link #increment}'s names, each to the data point it counts in. */
        private final ConcurrentMap<String, CounterDataPoint> byEvent = new ConcurrentHashMap<>();

        private SwitchSeries(String dpid) {
            this.dpid = dpid;
            this.packetIn = new Resolved<>(() -> packetIns.labelValues(dpid));
            this.flowMod = new Resolved<>(() -> flowMods.labelValues(dpid));
            this.packetOut = new Resolved<>(() -> packetOuts.labelValues(dpid));
            this.setup = new Resolved<>(() -> bindingSetup.labelValues(dpid));
        }

        public void bindingCreated(String protocol, String origin) {
            child(created, label(protocol), label(origin), bindingsCreated).inc();
        }

        /** {@code reason} outside {@link #REMOVAL_REASONS} is counted as "other". */
        public void bindingRemoved(String protocol, String reason) {
            String r = reason != null && REMOVAL_REASONS.contains(reason) ? reason : "other";
            child(removed, label(protocol), r, bindingsRemoved).inc();
        }

        /** {@code reason}: e.g. ports_exhausted, session_limit, table_full (the switch had no room for the flows). */
        public void allocationRefused(String reason) {
            child(refused, label(reason), allocationRefusals).inc();
        }

        public void packetIn() {
            packetIn.get().inc();
        }

        public void flowMod() {
            flowMod.get().inc();
        }

        public void packetOut() {
            packetOut.get().inc();
        }

        /** Takes nanoseconds because the engine measures with {@link System#nanoTime()}. */
        public void bindingSetupNanos(long nanos) {
            setup.get().observe(nanos / 1e9);
        }

        public void switchError(String type) {
            child(errors, label(type), switchErrors).inc();
        }

        public void malformedPacket(String kind) {
            child(malformed, label(kind), malformedPackets).inc();
        }

        /**
         * Bridge for the engine's {@code CounterSink} names, so today's {@code counters.increment("nat.…")}
         * calls reach Prometheus without being rewritten: "nat.packet_in" → packet_ins; "nat.refused.X" →
         * allocation_refusals{reason=X}; "nat.malformed.X" → malformed_packets{kind=X}; "openflow.error.X" →
         * switch_errors{type=X}; any other name → flowmasq_events_total{event=name}. The names are a fixed set in
         * code, so the event label stays bounded. Events that need more labels than the name carries (binding
         * created/removed) should use their own method.
         * One map lookup per event once its name was seen.
         */
        public void increment(String name) {
            if (name == null) {
                events.labelValues(dpid, UNKNOWN).inc();
                return;
            }
            CounterDataPoint p = byEvent.get(name);
            if (p == null) {
                p = resolve(name);
                byEvent.put(name, p);
            }
            p.inc();
        }

        private CounterDataPoint resolve(String name) {
            if (name.equals(PACKET_IN)) {
                return packetIns.labelValues(dpid);
            } else if (name.startsWith(REFUSED)) {
                return allocationRefusals.labelValues(dpid, suffix(name, REFUSED));
            } else if (name.startsWith(MALFORMED)) {
                return malformedPackets.labelValues(dpid, suffix(name, MALFORMED));
            } else if (name.startsWith(OPENFLOW_ERROR)) {
                return switchErrors.labelValues(dpid, suffix(name, OPENFLOW_ERROR));
            }
            return events.labelValues(dpid, name);
        }

        private CounterDataPoint child(ConcurrentMap<String, CounterDataPoint> cache, String value, Counter counter) {
            CounterDataPoint p = cache.get(value);
            if (p == null) {
                p = counter.labelValues(dpid, value);
                cache.put(value, p);
            }
            return p;
        }

        private CounterDataPoint child(ConcurrentMap<String, ConcurrentMap<String, CounterDataPoint>> cache,
                                       String protocol, String value, Counter counter) {
            ConcurrentMap<String, CounterDataPoint> byValue = cache.get(protocol);
            if (byValue == null) {
                byValue = cache.computeIfAbsent(protocol, k -> new ConcurrentHashMap<>());
            }
            CounterDataPoint p = byValue.get(value);
            if (p == null) {
                p = counter.labelValues(dpid, protocol, value);
                byValue.put(value, p);
            }
            return p;
        }
    }

    @Override
    public String contentType(String acceptHeader) {
        return writer(acceptHeader).getContentType();
    }

    @Override
    public void writeTo(OutputStream out, String acceptHeader) throws IOException {
        writer(acceptHeader).write(out, registry.scrape(), EscapingScheme.fromAcceptHeader(acceptHeader));
    }

    /**
     * The library's own content negotiation, except that the protobuf format needs a module we do not ship
     * (prometheus-metrics-exposition-formats): its writer is then "not available" and would throw, so a scraper
     * that prefers protobuf gets OpenMetrics if it accepts it, else the text format.
     */
    private ExpositionFormatWriter writer(String acceptHeader) {
        ExpositionFormatWriter writer = formats.findWriter(acceptHeader);
        if (writer.isAvailable()) {
            return writer;
        }
        if (formats.getOpenMetricsTextFormatWriter().accepts(acceptHeader)) {
            return formats.getOpenMetricsTextFormatWriter();
        }
        return formats.getPrometheusTextFormatWriter();
    }

    private static String label(String value) {
        return value == null || value.isEmpty() ? UNKNOWN : value;
    }

    private static String suffix(String name, String prefix) {
        return label(name.substring(prefix.length()));
    }
}
