package io.flowmasq.controller.session;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.StaticRequest;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.rest.BindingView;
import io.flowmasq.rest.HealthView;
import io.flowmasq.rest.NatService;
import io.flowmasq.rest.NatServiceException;
import io.flowmasq.rest.StatsView;
import io.flowmasq.rest.StaticBindingRequest;
import io.flowmasq.rest.SwitchView;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

/** The controller's answers to the REST API: snapshots of switches and bindings, operator changes, figures. */
public final class ControllerNatService implements NatService {
    private final SwitchSessions sessions;
    private final Supplier<Map<String, Long>> counters;
    private final LongSupplier clock;
    private final JsonElement effectiveConfig;
    private final ScheduledExecutorService scheduler;
    private final RateMeter packetIns;
    private final RuleService rules;

    /**
     * @param scheduler runs static-binding retries while ARP resolves (owned by the caller)
     * @param packetIns the packet-in rate, sampled by the caller
     */
    public ControllerNatService(SwitchSessions sessions, Supplier<Map<String, Long>> counters, LongSupplier clock,
                                JsonElement effectiveConfig, ScheduledExecutorService scheduler, RateMeter packetIns) {
        this(sessions, counters, clock, effectiveConfig, scheduler, packetIns, RuleService.UNAVAILABLE);
    }

    /** @param rules answers the rule-chain operations */
    public ControllerNatService(SwitchSessions sessions, Supplier<Map<String, Long>> counters, LongSupplier clock,
                                JsonElement effectiveConfig, ScheduledExecutorService scheduler, RateMeter packetIns,
                                RuleService rules) {
        this.sessions = sessions;
        this.counters = counters;
        this.clock = clock;
        this.effectiveConfig = effectiveConfig.deepCopy();
        this.scheduler = scheduler;
        this.packetIns = packetIns;
        this.rules = rules;
    }

    /**
     * Each switch's table copied under its lock (so each is one instant of that switch), merged by id.
     * The list holds the bindings themselves and makes each view only when it is read.
     */
    @Override
    public List<BindingView> bindings() {
        long now = clock.getAsLong();
        List<Entry> entries = new ArrayList<>();
        for (ManagedSwitch sw : sessions.managed()) {
            TrafficTable traffic = sw.traffic();
            ManagedSwitch.Snapshot snapshot = sw.snapshotWithChildren(now);
            for (Binding b : snapshot.bindings()) {
                entries.add(new Entry(sw, b, traffic, snapshot.children().getOrDefault(b.id(), List.of())));
            }
        }
        entries.sort(Comparator.comparingLong(e -> e.binding.id()));
        return new AbstractList<>() {
            @Override
            public BindingView get(int index) {
                Entry e = entries.get(index);
                return BindingViews.of(e.sw, e.binding, e.traffic, e.children, now);
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
    }

    private record Entry(ManagedSwitch sw, Binding binding, TrafficTable traffic,
                         List<io.flowmasq.controller.nat.AlgChild> children) {
    }

    @Override
    public CompletableFuture<Boolean> deleteBinding(long id) {
        for (ManagedSwitch sw : sessions.managed()) {
            if (sw.hasBinding(id)) {
                return sw.delete(id, clock.getAsLong());
            }
        }
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletableFuture<BindingView> createBinding(StaticBindingRequest request) {
        ManagedSwitch sw = switchFor(request.dpid());
        Protocol protocol = Protocol.byLabel(request.protocol())
                .orElseThrow(() -> NatServiceException.invalid("protocol", "unknown protocol " + request.protocol()));
        StaticRequest r = new StaticRequest(protocol,
                new Endpoint(IPv4Address.of(request.insideAddress()), request.insidePort()),
                new Endpoint(IPv4Address.of(request.publicAddress()), request.publicPort()));
        return sw.createStatic(r, clock, scheduler)
                .thenApply(b -> BindingViews.of(sw, b, sw.traffic(), List.of(), clock.getAsLong()));
    }

    private ManagedSwitch switchFor(Long dpid) {
        if (dpid == null) {
            List<ManagedSwitch> all = List.copyOf(sessions.managed());
            if (all.size() != 1) {
                throw NatServiceException.invalid("switch", "the controller has " + all.size()
                        + " switches: name one (its dpid)");
            }
            return all.get(0);
        }
        return sessions.managed(DatapathId.of(dpid)).orElseThrow(() -> NatServiceException.invalid("switch",
                "switch " + DatapathId.of(dpid) + " is not in the configuration"));
    }

    @Override
    public JsonObject rules(String dpid) {
        return rules.rules(dpid);
    }

    @Override
    public CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject rule) {
        return rules.addRule(dpid, position, rule);
    }

    @Override
    public CompletableFuture<JsonObject> deleteRule(String dpid, String id) {
        return rules.deleteRule(dpid, id);
    }

    @Override
    public List<SwitchView> switches() {
        List<SwitchView> out = new ArrayList<>();
        for (ManagedSwitch sw : sessions.managed()) {
            var connection = sw.connection();
            TrafficTable traffic = sw.traffic();
            List<SwitchView.PortView> ports = sw.ports().stream()
                    .map(p -> new SwitchView.PortView(p.number(), p.name(), p.mac(), p.up(), roleOf(sw, p.number())))
                    .toList();
            out.add(new SwitchView(sw.config().dpid().toString(), sw.config().name(),
                    Optional.ofNullable(sw.version()).map(OFVersion::toString).orElse(null),
                    connection.map(c -> String.valueOf(c.remoteAddress())).orElse(null),
                    connection.map(c -> c.connectedSince().toString()).orElse(null),
                    true, sw.connected(), sw.bindingCount(),
                    traffic.flowCount() < 0 ? null : traffic.flowCount(), ports, capabilities(sw)));
        }
        for (var c : sessions.unconfigured()) {
            out.add(new SwitchView(c.dpid().toString(), null, c.factory().getVersion().toString(),
                    String.valueOf(c.remoteAddress()), c.connectedSince().toString(), false, true, 0, null,
                    List.of(), List.of()));
        }
        out.sort(Comparator.comparing(SwitchView::dpid));
        return out;
    }

    private static String roleOf(ManagedSwitch sw, long port) {
        if ((sw.config().outside().port().getPortNumber() & 0xffffffffL) == port) {
            return "outside";
        }
        boolean inside = sw.config().inside().stream()
                .anyMatch(i -> i.ports().stream().anyMatch(p -> (p.getPortNumber() & 0xffffffffL) == port));
        return inside ? "inside" : null;
    }

    /** What the negotiated version lets flowmasq do on this switch (see the README's OpenFlow 1.0 notes). */
    private static List<String> capabilities(ManagedSwitch sw) {
        if (sw.version() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(List.of("flow_removed", "flow_stats"));
        if (sw.tracksTcpFlags()) {
            out.addAll(List.of("tcp_flags", "packet_in_cookie", "invalid_ttl_to_controller", "cookie_mask"));
        }
        return out;
    }

    @Override
    public StatsView stats() {
        Map<String, Long> byProtocol = new TreeMap<>();
        for (Protocol p : Protocol.values()) {
            byProtocol.put(p.label(), 0L);
        }
        for (ManagedSwitch sw : sessions.managed()) {
            for (Binding b : sw.snapshot()) {
                byProtocol.merge(b.protocol().label(), 1L, Long::sum);
            }
        }
        return new StatsView(byProtocol, packetIns.perSecond(), counters.get());
    }

    @Override
    public JsonElement effectiveConfig() {
        return effectiveConfig.deepCopy();
    }

    @Override
    public HealthView health() {
        // a switch counts once its binding table has been rebuilt from its flows and the repairs confirmed
        int connected = (int) sessions.managed().stream().filter(ManagedSwitch::ready).count();
        return new HealthView(true, sessions.managed().size(), connected);
    }
}
