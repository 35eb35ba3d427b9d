package io.flowmasq.controller;

import io.flowmasq.controller.config.EffectiveConfig;
import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.metrics.BindingLog;
import io.flowmasq.controller.metrics.BindingLogSettings;
import io.flowmasq.controller.metrics.BindingRecorder;
import io.flowmasq.controller.metrics.FlowmasqMetrics;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.CounterSink;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.flowcompiler.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.DatapathId;
import io.flowmasq.controller.openflow.OpenFlowCounters;
import io.flowmasq.controller.openflow.OpenFlowServer;
import io.flowmasq.controller.session.ControllerNatService;
import io.flowmasq.controller.session.RuleStore;
import io.flowmasq.controller.session.SessionRuleService;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import io.flowmasq.controller.session.SwitchMetrics;
import io.flowmasq.controller.session.RateMeter;
import io.flowmasq.controller.session.SwitchSessions;
import io.flowmasq.rest.RestServer;
import io.flowmasq.rest.RestSettings;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: wires configuration, sessions, the OpenFlow listener and the REST API. */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final OpenFlowServer openflow;
    private final RestServer rest;
    private final ScheduledExecutorService scheduler;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final BindingLog bindingLog;
    private final ExecutorService ruleWrites;

    private Controller(OpenFlowServer openflow, RestServer rest, ScheduledExecutorService scheduler,
                       BindingLog bindingLog, ExecutorService ruleWrites) {
        this.openflow = openflow;
        this.rest = rest;
        this.scheduler = scheduler;
        this.bindingLog = bindingLog;
        this.ruleWrites = ruleWrites;
    }

    public static Controller start(FlowmasqConfig config, LongSupplier clock) throws InterruptedException {
        OpenFlowCounters counters = new OpenFlowCounters();
        BindingIds ids = new BindingIds();
        FlowmasqMetrics metrics = new FlowmasqMetrics();
        BindingLog bindingLog = config.bindingLog()
                .map(b -> BindingLog.open(new BindingLogSettings(b.path(), b.maxFileMegabytes() * 1024L * 1024L,
                        b.maxFiles())))
                .orElseGet(BindingLog::disabled);
        Map<DatapathId, BindingRecorder> recorders = new ConcurrentHashMap<>();
        metrics.bindingsActive(() -> activeBindings(recorders));
        SwitchSessions sessions = new SwitchSessions(config, (sc, compiler) -> {
            BindingRecorder recorder = new BindingRecorder(sc, metrics, bindingLog);
            recorders.put(sc.dpid(), recorder); // a new engine (version change) starts from zero bindings
            return new NatEngine(sc, compiler, counterSink(counters, metrics, sc.dpid().toString()), ids, recorder);
        }, clock, switchMetrics(metrics));
        OpenFlowServer openflow = new OpenFlowServer(
                new InetSocketAddress(config.openflow().address(), config.openflow().port()), sessions, counters);
        // one daemon thread for periodic sampling and static-binding retries; never blocks on I/O
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowmasq-scheduler");
            t.setDaemon(true);
            return t;
        });
        RateMeter packetIns = new RateMeter(() -> counters.get("nat.packet_in"), clock, 6);
        scheduler.scheduleAtFixedRate(packetIns::sample, 0, 1, TimeUnit.SECONDS);
        RuleNumbers ruleNumbers = RuleNumbers.after(config.switches().stream()
                .flatMap(sw -> sw.rules().stream()).toList());
        // one daemon thread writes the rules file, in change order, off the switches' event loops
        ExecutorService ruleWrites = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flowmasq-rules-file");
            t.setDaemon(true);
            return t;
        });
        Optional<RuleStore> store = config.rulesFile().map(f -> new RuleStore(f, sessions, ruleWrites,
                () -> counters.increment("rules.save_failed")));
        ControllerNatService service = new ControllerNatService(sessions, counters::snapshot, clock,
                EffectiveConfig.toJson(config), scheduler, packetIns,
                new SessionRuleService(sessions, clock, ruleNumbers, store));
        RestServer rest = new RestServer(new RestSettings(
                new InetSocketAddress(config.rest().address(), config.rest().port()), config.restToken().orElse(null)),
                service, metrics);
        Controller controller = new Controller(openflow, rest, scheduler, bindingLog, ruleWrites);
        Runtime.getRuntime().addShutdownHook(new Thread(controller::close, "flowmasq-shutdown"));
        openflow.start();
        rest.start();
        LOG.info("flowmasq started: OpenFlow on {}, REST on http://{}/api/v1, {} switch(es) configured",
                openflow.boundAddress(), hostPort(rest.boundAddress()), config.switches().size());
        return controller;
    }

    public InetSocketAddress openflowAddress() {
        return openflow.boundAddress();
    }

    public InetSocketAddress restAddress() {
        return rest.boundAddress();
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.info("flowmasq stopping; flows stay in the switches");
        rest.close();
        openflow.close();
        scheduler.shutdownNow();
        ruleWrites.shutdown(); // a write under way finishes: the file is whole either way (renamed)
        bindingLog.close();
        stopped.countDown();
    }

    /** Engine events go to the REST counters and, labelled by switch, to Prometheus (the switch's series, kept). */
    private static CounterSink counterSink(OpenFlowCounters counters, FlowmasqMetrics metrics, String dpid) {
        FlowmasqMetrics.SwitchSeries series = metrics.forSwitch(dpid);
        return name -> {
            counters.increment(name);
            switch (name) {
                case "nat.allocation_failed" -> series.allocationRefused("ports_exhausted");
                case "nat.session_refused" -> series.allocationRefused("session_limit");
                case "nat.binding_refused.table_full" -> series.allocationRefused("table_full");
                default -> series.increment(name);
            }
        };
    }

    private static List<FlowmasqMetrics.ActiveBindings> activeBindings(Map<DatapathId, BindingRecorder> recorders) {
        List<FlowmasqMetrics.ActiveBindings> out = new ArrayList<>();
        recorders.forEach((dpid, r) -> {
            for (Protocol p : Protocol.values()) {
                out.add(new FlowmasqMetrics.ActiveBindings(dpid.toString(), p.label(), r.active(p)));
            }
        });
        return out;
    }

    private static SwitchMetrics switchMetrics(FlowmasqMetrics metrics) {
        return new SwitchMetrics() {
            @Override
            public void packetInAnswered(String dpid, long nanos) {
                metrics.forSwitch(dpid).bindingSetupNanos(nanos);
            }

            @Override
            public void sent(String dpid, List<OFMessage> messages) {
                FlowmasqMetrics.SwitchSeries series = metrics.forSwitch(dpid); // resolves no data point by itself
                for (OFMessage m : messages) {
                    switch (m.getType()) {
                        case FLOW_MOD -> series.flowMod();
                        case PACKET_OUT -> series.packetOut();
                        default -> { }
                    }
                }
            }

            @Override
            public void errorReceived(String dpid, String type) {
                metrics.switchError(dpid, type);
            }
        };
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
