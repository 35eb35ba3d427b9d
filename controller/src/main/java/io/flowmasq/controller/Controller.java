package io.flowmasq.controller;

import io.flowmasq.controller.config.EffectiveConfig;
import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.BindingListener;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.controller.openflow.OpenFlowCounters;
import io.flowmasq.controller.openflow.OpenFlowServer;
import io.flowmasq.controller.session.ControllerNatService;
import io.flowmasq.controller.session.SetupTimer;
import io.flowmasq.controller.session.RateMeter;
import io.flowmasq.controller.session.SwitchSessions;
import io.flowmasq.rest.RestServer;
import io.flowmasq.rest.RestSettings;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
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

    private Controller(OpenFlowServer openflow, RestServer rest, ScheduledExecutorService scheduler) {
        this.openflow = openflow;
        this.rest = rest;
        this.scheduler = scheduler;
    }

    public static Controller start(FlowmasqConfig config, LongSupplier clock) throws InterruptedException {
        OpenFlowCounters counters = new OpenFlowCounters();
        BindingIds ids = new BindingIds();
        BindingListener listener = BindingListener.NONE;
        SwitchSessions sessions = new SwitchSessions(config,
                (sc, compiler) -> new NatEngine(sc, compiler, counters::increment, ids, listener), clock,
                SetupTimer.NONE);
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
        ControllerNatService service = new ControllerNatService(sessions, counters::snapshot, clock,
                EffectiveConfig.toJson(config), scheduler, packetIns);
        RestServer rest = new RestServer(new RestSettings(
                new InetSocketAddress(config.rest().address(), config.rest().port()), config.restToken().orElse(null)),
                service, null);
        Controller controller = new Controller(openflow, rest, scheduler);
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
        stopped.countDown();
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
