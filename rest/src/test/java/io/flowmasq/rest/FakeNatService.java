package io.flowmasq.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A NatService whose answers the test sets. By default it behaves like a small controller: deleting
 * removes the binding, creating appends a static one (refusing an unknown switch and a public endpoint
 * in use), adding a rule inserts it into the switch's chain (refusing a missing type, a taken id and a
 * position past the end). {@code failure}, when set, is thrown by every call; {@code onDelete},
 * {@code onCreate}, {@code onAddRule} and {@code onDeleteRule} replace the default behaviour (to return
 * futures that fail, or never complete).
 */
final class FakeNatService implements NatService {
    static final String DPID_1 = "00:00:00:00:00:00:00:01";
    static final String DPID_2 = "00:00:00:00:00:00:00:02";
    static final TrafficView TRAFFIC = new TrafficView(10, 1500, 8, 9000, "2026-11-25T15:22:40Z", 2);
    static final BindingView TCP_A = new BindingView(1, DPID_1, "edge-1", "tcp", "10.0.0.5", 40000, "203.0.113.1",
            61000, "198.51.100.7:443", "established", "dynamic", 12, 7440, 7400L, "0x0100000000000001", TRAFFIC,
            List.of());
    static final BindingView UDP_B = new BindingView(2, DPID_1, "edge-1", "udp", "10.0.0.6", 5353, "203.0.113.1",
            61001, "198.51.100.7:*", "active", "dynamic", 3, 300, null, "0x0100000000000002", null, List.of());
    static final BindingView ICMP_A = new BindingView(3, DPID_2, "edge-2", "icmp", "10.0.0.5", 7, "203.0.113.2",
            1024, null, "active", "dynamic", 1, 10, 9L, "0x0200000000000003", null, List.of());
    static final BindingView STATIC_SSH = new BindingView(5, DPID_1, "edge-1", "tcp", "10.0.0.11", 22,
            "203.0.113.1", 2222, null, "active", "static", 600, 0, null, "0x0100000000000005", null,
            List.of(new ChildView("ftp-data-expectation", "tcp", "10.0.0.11:40001", "203.0.113.1:40001",
                    "198.51.100.20:*", 27L, null)));
    static final SwitchView S1 = new SwitchView(DPID_1, "edge-1", "OF_13", "192.0.2.10:50432",
            "2026-11-25T09:00:00Z", true, true, 3, 9,
            List.of(new SwitchView.PortView(1, "eth1", "02:00:00:00:00:01", true, "inside"),
                    new SwitchView.PortView(2, "eth2", "02:00:00:00:00:02", true, "outside")),
            List.of("tcp_flags", "flow_removed", "cookie_mask"));
    static final SwitchView S2 = new SwitchView(DPID_2, "edge-2", "OF_10", "192.0.2.12:50434",
            "2026-11-25T09:01:00Z", true, true, 1, null, List.of(), List.of("flow_removed"));
    static final SwitchView UNCONFIGURED = new SwitchView("00:00:00:00:00:00:00:09", null, "OF_10",
            "192.0.2.11:50433", "2026-11-25T09:05:00Z", false, true, 0, null, null, null);

    /** Rules as the config writes them (no position, number or status): what {@link #rules} decorates. */
    static final String WEB = "{\"id\":\"web\",\"number\":1,\"type\":\"portForward\",\"protocol\":\"tcp\","
            + "\"public\":\"203.0.113.1:8080\",\"inside\":\"10.0.0.13:80\"}";
    static final String LAN = "{\"id\":\"lan\",\"number\":2,\"type\":\"masquerade\",\"match\":{\"inside\":"
            + "\"10.0.0.0/24\",\"outside\":\"any\",\"protocol\":\"any\",\"ports\":\"1-65535\"},"
            + "\"addresses\":[\"203.0.113.1\"]}";

    volatile List<BindingView> bindings = List.of(TCP_A, UDP_B, ICMP_A, STATIC_SSH);
    /** Per configured switch, its chain in order. */
    volatile Map<String, List<JsonObject>> chains = defaultChains();
    volatile BiFunction<String, JsonObject, CompletableFuture<JsonObject>> onAddRule = this::addRuleNow;
    volatile BiFunction<String, String, CompletableFuture<JsonObject>> onDeleteRule = this::deleteRuleNow;
    final List<String> ruleCalls = Collections.synchronizedList(new ArrayList<>());
    volatile HealthView health = new HealthView(true, 2, 2);
    volatile List<SwitchView> switches = List.of(S1, S2, UNCONFIGURED);
    volatile StatsView stats = new StatsView(Map.of("tcp", 2L, "udp", 1L, "icmp", 1L), 3.5,
            Map.of("packet_in", 42L, "nat.binding_created", 7L, "openflow.error.FLOW_MOD_FAILED", 1L));
    volatile JsonElement config = JsonParser.parseString(
            "{\"rest\":{\"listen\":\"127.0.0.1:8080\",\"token\":\"***\"},\"switches\":[{\"dpid\":\"" + DPID_1 + "\"}]}");
    volatile RuntimeException failure;
    volatile Function<Long, CompletableFuture<Boolean>> onDelete = this::deleteNow;
    volatile Function<StaticBindingRequest, CompletableFuture<BindingView>> onCreate = this::createNow;
    final List<Long> deleteCalls = Collections.synchronizedList(new ArrayList<>());
    final List<StaticBindingRequest> createCalls = Collections.synchronizedList(new ArrayList<>());

    /** Back to the defaults, for a server shared by the tests of a class. */
    synchronized void reset() {
        FakeNatService fresh = new FakeNatService();
        bindings = fresh.bindings;
        health = fresh.health;
        switches = fresh.switches;
        stats = fresh.stats;
        config = fresh.config;
        failure = null;
        onDelete = this::deleteNow;
        onCreate = this::createNow;
        chains = defaultChains();
        onAddRule = this::addRuleNow;
        onDeleteRule = this::deleteRuleNow;
        deleteCalls.clear();
        createCalls.clear();
        ruleCalls.clear();
    }

    private static Map<String, List<JsonObject>> defaultChains() {
        Map<String, List<JsonObject>> chains = new LinkedHashMap<>();
        chains.put(DPID_1, List.of(JsonParser.parseString(WEB).getAsJsonObject(),
                JsonParser.parseString(LAN).getAsJsonObject()));
        chains.put(DPID_2, List.of());
        return chains;
    }

    @Override
    public List<BindingView> bindings() {
        failIfAsked();
        return bindings;
    }

    @Override
    public CompletableFuture<Boolean> deleteBinding(long id) {
        failIfAsked();
        deleteCalls.add(id);
        return onDelete.apply(id);
    }

    @Override
    public CompletableFuture<BindingView> createBinding(StaticBindingRequest request) {
        failIfAsked();
        createCalls.add(request);
        return onCreate.apply(request);
    }

    @Override
    public List<SwitchView> switches() {
        failIfAsked();
        return switches;
    }

    @Override
    public synchronized JsonObject rules(String dpid) {
        failIfAsked();
        ruleCalls.add("rules " + dpid);
        JsonArray views = new JsonArray();
        List<JsonObject> chain = chain(dpid);
        for (int i = 0; i < chain.size(); i++) {
            views.add(view(chain.get(i), i + 1));
        }
        JsonObject document = new JsonObject();
        document.addProperty("switch", dpid);
        document.add("rules", views);
        return document;
    }

    /** {@code position} travels inside the recorded rule, so tests can see both in one value. */
    @Override
    public CompletableFuture<JsonObject> addRule(String dpid, Integer position, JsonObject rule) {
        failIfAsked();
        ruleCalls.add("add " + dpid + " " + position + " " + rule);
        JsonObject request = rule.deepCopy();
        if (position != null) {
            request.addProperty("position", position);
        }
        return onAddRule.apply(dpid, request);
    }

    @Override
    public CompletableFuture<JsonObject> deleteRule(String dpid, String id) {
        failIfAsked();
        ruleCalls.add("delete " + dpid + " " + id);
        return onDeleteRule.apply(dpid, id);
    }

    private List<JsonObject> chain(String dpid) {
        List<JsonObject> chain = chains.get(dpid);
        if (chain == null) {
            throw NatServiceException.notFound("dpid", "no configured switch " + dpid);
        }
        return chain;
    }

    private static JsonObject view(JsonObject rule, int position) {
        JsonObject view = new JsonObject();
        view.addProperty("position", position);
        rule.entrySet().forEach(e -> view.add(e.getKey(), e.getValue().deepCopy()));
        JsonObject status = new JsonObject();
        status.addProperty("state", "installed");
        view.add("status", status);
        return view;
    }

    private synchronized CompletableFuture<JsonObject> addRuleNow(String dpid, JsonObject request) {
        List<JsonObject> chain = new ArrayList<>(chain(dpid));
        JsonObject rule = request.deepCopy();
        JsonElement at = rule.remove("position");
        int position = at == null ? chain.size() + 1 : at.getAsInt();
        if (position > chain.size() + 1) {
            throw NatServiceException.invalid("position", "'position' must be at most " + (chain.size() + 1));
        }
        if (!rule.has("type")) {
            throw NatServiceException.invalid("type", "'type' is required");
        }
        if (!rule.has("id")) {
            rule.addProperty("id", "rule-" + position);
        }
        String id = rule.get("id").getAsString();
        for (JsonObject other : chain) {
            if (other.get("id").getAsString().equals(id)) {
                return CompletableFuture.failedFuture(NatServiceException.ruleConflict("id",
                        "rule id '" + id + "' is taken", id));
            }
        }
        int number = chains.values().stream().mapToInt(List::size).sum() + 1;
        JsonObject stored = new JsonObject();
        stored.addProperty("id", id);
        stored.addProperty("number", number);
        rule.entrySet().stream().filter(e -> !e.getKey().equals("id"))
                .forEach(e -> stored.add(e.getKey(), e.getValue()));
        chain.add(position - 1, stored);
        Map<String, List<JsonObject>> after = new LinkedHashMap<>(chains);
        after.put(dpid, List.copyOf(chain));
        chains = after;
        return CompletableFuture.completedFuture(view(stored, position));
    }

    private synchronized CompletableFuture<JsonObject> deleteRuleNow(String dpid, String id) {
        List<JsonObject> chain = new ArrayList<>(chain(dpid));
        if (!chain.removeIf(r -> r.get("id").getAsString().equals(id))) {
            throw NatServiceException.notFound("id", "no rule '" + id + "' on switch " + dpid);
        }
        Map<String, List<JsonObject>> after = new LinkedHashMap<>(chains);
        after.put(dpid, List.copyOf(chain));
        chains = after;
        JsonObject deleted = new JsonObject();
        deleted.addProperty("deleted", id);
        deleted.addProperty("bindingsRemoved", id.equals("web") ? 2 : 0);
        return CompletableFuture.completedFuture(deleted);
    }

    @Override
    public StatsView stats() {
        failIfAsked();
        return stats;
    }

    @Override
    public JsonElement effectiveConfig() {
        failIfAsked();
        return config;
    }

    @Override
    public HealthView health() {
        failIfAsked();
        return health;
    }

    private synchronized CompletableFuture<Boolean> deleteNow(long id) {
        List<BindingView> before = bindings;
        bindings = before.stream().filter(b -> b.id() != id).toList();
        return CompletableFuture.completedFuture(bindings.size() < before.size());
    }

    private synchronized CompletableFuture<BindingView> createNow(StaticBindingRequest r) {
        String dpid = r.dpid() == null ? DPID_1 : Dpids.format(r.dpid());
        SwitchView sw = switches.stream().filter(s -> s.dpid().equals(dpid) && s.configured()).findFirst()
                .orElseThrow(() -> NatServiceException.invalid("switch", "no configured switch " + dpid));
        for (BindingView b : bindings) {
            if (b.dpid().equals(dpid) && b.protocol().equals(r.protocol())
                    && b.publicAddress().equals(r.publicAddress()) && b.publicPort() == r.publicPort()) {
                return CompletableFuture.failedFuture(NatServiceException.conflict("public", "public endpoint "
                        + r.publicAddress() + ":" + r.publicPort() + "/" + r.protocol() + " is in use", b.id()));
            }
        }
        long id = bindings.stream().mapToLong(BindingView::id).max().orElse(0) + 1;
        BindingView created = new BindingView(id, dpid, sw.name(), r.protocol(), r.insideAddress(), r.insidePort(),
                r.publicAddress(), r.publicPort(), null, "active", "static", 0, 0, null,
                String.format("0x%016x", id), null, List.of());
        List<BindingView> after = new ArrayList<>(bindings);
        after.add(created);
        bindings = List.copyOf(after);
        return CompletableFuture.completedFuture(created);
    }

    private void failIfAsked() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }
}
