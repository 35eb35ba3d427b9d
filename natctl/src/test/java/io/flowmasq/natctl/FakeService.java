package io.flowmasq.natctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmasq.rest.BindingView;
import io.flowmasq.rest.HealthView;
import io.flowmasq.rest.NatService;
import io.flowmasq.rest.NatServiceException;
import io.flowmasq.rest.StaticBindingRequest;
import io.flowmasq.rest.StatsView;
import io.flowmasq.rest.SwitchView;
import io.flowmasq.rest.TrafficView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A controller as the REST server sees it, with bindings the test sets; records deletes and creates. Its one
 * switch has a rule chain ({@link #rules}, views without position) that adds and deletes change.
 */
final class FakeService implements NatService {
    static final String DPID = "00:00:00:00:00:00:00:01";

    final List<BindingView> bindings = new CopyOnWriteArrayList<>();
    final List<Long> deleted = new CopyOnWriteArrayList<>();
    final List<StaticBindingRequest> created = new CopyOnWriteArrayList<>();
    volatile boolean ready = true;
    final List<JsonObject> rules = new CopyOnWriteArrayList<>();
    final List<String> ruleRequests = new CopyOnWriteArrayList<>();
    /** Listed after the configured switch {@link #DPID}. */
    final List<SwitchView> otherSwitches = new CopyOnWriteArrayList<>();

    static JsonObject rule(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    static BindingView binding(long id, String protocol, String inside, int insidePort, int publicPort) {
        return new BindingView(id, DPID, "s1", protocol, inside, insidePort, "203.0.113.1", publicPort,
                "203.0.113.10:7777", "active", "dynamic", 5, 300, 295L, String.format("0xf1010000%08x", id),
                new TrafficView(3, 300, 2, 200, "2026-11-25T15:00:00Z", 1), List.of());
    }

    @Override
    public List<BindingView> bindings() {
        return List.copyOf(bindings);
    }

    @Override
    public CompletableFuture<Boolean> deleteBinding(long id) {
        boolean removed = bindings.removeIf(b -> b.id() == id);
        if (removed) {
            deleted.add(id);
        }
        return CompletableFuture.completedFuture(removed);
    }

    @Override
    public CompletableFuture<BindingView> createBinding(StaticBindingRequest request) {
        for (BindingView b : bindings) {
            if (b.publicPort() == request.publicPort() && b.protocol().equals(request.protocol())) {
                return CompletableFuture.failedFuture(NatServiceException.conflict("public",
                        "public endpoint used by binding " + b.id(), b.id()));
            }
        }
        created.add(request);
        long id = 1000 + created.size();
        BindingView b = new BindingView(id, DPID, "s1", request.protocol(), request.insideAddress(),
                request.insidePort(), request.publicAddress(), request.publicPort(), null, "established", "static",
                0, 0, null, String.format("0xf1010000%08x", id), null, List.of());
        bindings.add(b);
        return CompletableFuture.completedFuture(b);
    }

    @Override
    public List<SwitchView> switches() {
        List<SwitchView> all = new ArrayList<>();
        all.add(new SwitchView(DPID, "s1", "OF_13", "/127.0.0.1:40000", "2026-11-25T15:00:00Z", true, true,
                bindings.size(), 12, List.of(new SwitchView.PortView(1, "s1-eth1", "02:00:00:00:00:01", true, "inside"),
                new SwitchView.PortView(3, "s1-eth3", "02:00:00:00:00:03", false, "outside")),
                List.of("flow_removed", "tcp_flags")));
        all.addAll(otherSwitches);
        return all;
    }

    @Override
    public JsonObject rules(String dpid) {
        requireSwitch(dpid);
        JsonArray views = new JsonArray();
        for (int i = 0; i < rules.size(); i++) {
            JsonObject view = new JsonObject();
            view.addProperty("position", i + 1);
            rules.get(i).entrySet().forEach(e -> view.add(e.getKey(), e.getValue()));
            views.add(view);
        }
        JsonObject doc = new JsonObject();
        doc.addProperty("switch", dpid);
        doc.add("rules", views);
        return doc;
    }

    @Override
    public synchronized CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject rule) {
        requireSwitch(dpid);
        ruleRequests.add("add " + position + " " + rule);
        String id = rule.get("id").getAsString();
        for (JsonObject r : rules) {
            if (r.get("id").getAsString().equals(id)) {
                return CompletableFuture.failedFuture(NatServiceException.ruleConflict("id",
                        "rule id '" + id + "' is taken", id));
            }
        }
        if (!rule.has("type")) {
            throw NatServiceException.invalid("type", "'type' is required");
        }
        JsonObject stored = rule.deepCopy();
        stored.addProperty("number", 50 + ruleRequests.size());
        JsonObject status = new JsonObject();
        status.addProperty("state", "installed");
        stored.add("status", status);
        int at = position == null ? rules.size() : position - 1;
        rules.add(at, stored);
        JsonObject view = new JsonObject();
        view.addProperty("position", at + 1);
        stored.entrySet().forEach(e -> view.add(e.getKey(), e.getValue()));
        return CompletableFuture.completedFuture(view);
    }

    @Override
    public CompletableFuture<JsonObject> deleteRule(String dpid, String id) {
        requireSwitch(dpid);
        ruleRequests.add("delete " + id);
        if (!rules.removeIf(r -> r.get("id").getAsString().equals(id))) {
            throw NatServiceException.notFound("id", "no rule '" + id + "' on switch " + dpid);
        }
        JsonObject deleted = new JsonObject();
        deleted.addProperty("deleted", id);
        deleted.addProperty("bindingsRemoved", 1);
        return CompletableFuture.completedFuture(deleted);
    }

    private static void requireSwitch(String dpid) {
        if (!dpid.equals(DPID)) {
            throw NatServiceException.notFound("dpid", "no configured switch " + dpid);
        }
    }

    @Override
    public StatsView stats() {
        long tcp = bindings.stream().filter(b -> b.protocol().equals("tcp")).count();
        return new StatsView(Map.of("tcp", tcp, "udp", bindings.size() - tcp), 12.5,
                Map.of("nat.binding_created", 40L + bindings.size(), "nat.packet_in", 99L));
    }

    @Override
    public JsonObject effectiveConfig() {
        return JsonParser.parseString("{\"rest\":{\"address\":\"127.0.0.1\",\"port\":0,\"token\":\"********\"}}")
                .getAsJsonObject();
    }

    @Override
    public HealthView health() {
        return new HealthView(true, 1, ready ? 1 : 0);
    }

    List<BindingView> many(int n) {
        List<BindingView> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(binding(i, "udp", "10.0.%d.%d".formatted(i / 250, 1 + i % 250), 1024 + i % 60000,
                    1024 + i % 60000));
        }
        return out;
    }
}
