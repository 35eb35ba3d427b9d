package io.flowmasq.controller;

import io.flowmasq.controller.config.FlowmasqConfig;
import io.flowmasq.controller.openflow.OpenFlowCounters;
import io.flowmasq.controller.openflow.OpenFlowServer;
import io.flowmasq.controller.session.ControllerNatService;
import io.flowmasq.controller.session.SwitchSessions;
import io.flowmasq.rest.RestServer;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: wires configuration, sessions, the OpenFlow listener and the REST API. */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final OpenFlowServer openflow;
    private final RestServer rest;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Controller(OpenFlowServer openflow, RestServer rest) {
        this.openflow = openflow;
        this.rest = rest;
    }

    public static Controller start(FlowmasqConfig config, LongSupplier clock) throws InterruptedException {
        OpenFlowCounters counters = new OpenFlowCounters();
        SwitchSessions sessions = new SwitchSessions(config, counters::increment, clock);
        OpenFlowServer openflow = new OpenFlowServer(
                new InetSocketAddress(config.openflow().address(), config.openflow().port()), sessions, counters);
        RestServer rest = new RestServer(new InetSocketAddress(config.rest().address(), config.rest().port()),
                new ControllerNatService(sessions, counters::snapshot, clock));
        Controller controller = new Controller(openflow, rest);
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
        stopped.countDown();
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
