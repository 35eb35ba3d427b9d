package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document says what the server does: (a) the same routes and methods, (b) examples that
 * fit their schemas, (c) real responses, for every documented status of every operation, that fit the
 * schema documented for that status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiConformanceTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String TOKEN = "conformance";

    private final JsonObject document = ApiV1.openApiDocument().getAsJsonObject();
    private final SchemaChecker checker = new SchemaChecker(document);
    private final ServerFixture fixture = new ServerFixture(new FakeNatService(), new ServerFixture.FakeMetrics(), TOKEN);
    private final FakeNatService service = fixture.service;

    @AfterAll
    void stop() {
        fixture.close();
    }

    /** Template to lower-case methods, as documented. */
    private Map<String, Set<String>> documentedOperations() {
        Map<String, Set<String>> out = new TreeMap<>();
        document.getAsJsonObject("paths").entrySet().forEach(path -> {
            Set<String> methods = new TreeSet<>(path.getValue().getAsJsonObject().keySet());
            methods.retainAll(METHODS);
            out.put(path.getKey(), methods);
        });
        return out;
    }

    private JsonObject operation(String template, String method) {
        JsonObject path = document.getAsJsonObject("paths").getAsJsonObject(template);
        assertNotNull(path, "undocumented path " + template);
        JsonObject op = path.getAsJsonObject(method.toLowerCase(Locale.ROOT));
        assertNotNull(op, "undocumented operation " + method + " " + template);
        return op;
    }

    private JsonObject deref(JsonObject maybeRef) {
        return maybeRef.has("$ref") ? checker.resolve(maybeRef.get("$ref").getAsString()) : maybeRef;
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
        Routes routes = new ApiV1(new FakeNatService(), new JsonCodec(), new ServerFixture.FakeMetrics(),
                Clock.systemUTC()).routes();
        Map<String, Set<String>> registered = new TreeMap<>();
        routes.templates().forEach((template, methods) -> registered.put(template, new TreeSet<>(
                methods.stream().map(m -> m.name().toLowerCase(Locale.ROOT)).toList())));
        assertEquals(registered, documentedOperations());
        assertEquals("3.0.3", document.get("openapi").getAsString());
    }

    @Test
    void everyExampleFitsItsSchema() {
        List<String> violations = new ArrayList<>();
        int examples = 0;
        for (Map.Entry<String, Set<String>> path : documentedOperations().entrySet()) {
            for (String method : path.getValue()) {
                JsonObject op = operation(path.getKey(), method);
                String where = method.toUpperCase(Locale.ROOT) + " " + path.getKey();
                for (Map.Entry<String, JsonElement> response : op.getAsJsonObject("responses").entrySet()) {
                    JsonObject content = deref(response.getValue().getAsJsonObject()).getAsJsonObject("content");
                    assertNotNull(content, where + " " + response.getKey() + " has no content");
                    for (Map.Entry<String, JsonElement> media : content.entrySet()) {
                        JsonObject m = media.getValue().getAsJsonObject();
                        assertTrue(m.has("example"), where + " " + response.getKey() + " has no example");
                        checker.check(m.get("example"), m.getAsJsonObject("schema"))
                                .forEach(v -> violations.add(where + " " + response.getKey() + " example " + v));
                        examples++;
                    }
                }
                if (op.has("requestBody")) {
                    JsonObject m = op.getAsJsonObject("requestBody").getAsJsonObject("content")
                            .getAsJsonObject("application/json");
                    checker.check(m.get("example"), m.getAsJsonObject("schema"))
                            .forEach(v -> violations.add(where + " request example " + v));
                    examples++;
                }
            }
        }
        // Examples inside schemas and parameters too: each must fit the (sub)schema it illustrates.
        examples += schemaExamples(document.getAsJsonObject("components"), "components", violations);
        assertEquals(List.of(), violations);
        assertTrue(examples > 40, "examples checked: " + examples);
    }

    private int schemaExamples(JsonElement node, String where, List<String> violations) {
        int found = 0;
        if (node.isJsonObject()) {
            JsonObject o = node.getAsJsonObject();
            if (o.has("example") && o.has("schema")) { // a parameter
                checker.check(o.get("example"), o.getAsJsonObject("schema")).forEach(v -> violations.add(where + " " + v));
                found++;
            } else if (o.has("example") && (o.has("type") || o.has("allOf"))) { // a schema
                checker.check(o.get("example"), o).forEach(v -> violations.add(where + " " + v));
                found++;
            }
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                if (!e.getKey().equals("example")) {
                    found += schemaExamples(e.getValue(), where + "." + e.getKey(), violations);
                }
            }
        } else if (node.isJsonArray()) {
            for (JsonElement e : node.getAsJsonArray()) {
                found += schemaExamples(e, where + "[]", violations);
            }
        }
        return found;
    }

    @Test
    void theCheckerCatchesWhatItClaimsTo() {
        JsonObject health = checker.resolve("#/components/schemas/Health");
        JsonObject good = JsonParser.parseString("{\"status\":\"ok\",\"ready\":true,\"engine_running\":true,"
                + "\"switches_configured\":1,\"switches_connected\":1}").getAsJsonObject();
        assertEquals(List.of(), checker.check(good, health));
        Map<String, Consumer<JsonObject>> breakages = new LinkedHashMap<>();
        breakages.put("required", o -> o.remove("ready"));
        breakages.put("additionalProperties", o -> o.addProperty("extra", 1));
        breakages.put("enum", o -> o.addProperty("status", "fine"));
        breakages.put("type", o -> o.addProperty("switches_connected", "1"));
        breakages.put("integer", o -> o.addProperty("switches_connected", 1.5));
        breakages.put("nullable", o -> o.add("ready", null));
        breakages.forEach((what, breakIt) -> {
            JsonObject bad = good.deepCopy();
            breakIt.accept(bad);
            assertEquals(1, checker.check(bad, health).size(), what + ": " + checker.check(bad, health));
        });
        JsonObject binding = checker.resolve("#/components/schemas/Binding");
        JsonObject view = new JsonCodec().binding(FakeNatService.TCP_A).getAsJsonObject();
        assertEquals(List.of(), checker.check(view, binding));
        view.getAsJsonObject("traffic").remove("as_of");
        assertEquals(1, checker.check(view, binding).size(), "through allOf and $ref");
        view.add("traffic", null);
        assertEquals(List.of(), checker.check(view, binding), "nullable allOf");
        JsonObject unknownKeyword = JsonParser.parseString("{\"type\":\"string\",\"pattern\":\"x\"}").getAsJsonObject();
        assertEquals(1, checker.check(new JsonPrimitive("y"), unknownKeyword).size(), "unsupported keywords reported");
    }

    /** One request that provokes one documented status. */
    private record Case(String template, String method, String path, int status, String contentType, byte[] body,
                        boolean anonymous, Consumer<FakeNatService> setup) {
    }

    private final List<Case> cases = new ArrayList<>();

    private void provoke(String template, String method, String path, int status) {
        provoke(template, method, path, status, null, null, s -> { });
    }

    private void provoke(String template, String method, String path, int status, Consumer<FakeNatService> setup) {
        provoke(template, method, path, status, null, null, setup);
    }

    private void provoke(String template, String method, String path, int status, String contentType, String body,
                         Consumer<FakeNatService> setup) {
        cases.add(new Case(template, method, path, status, contentType,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), false, setup));
    }

    private void provokeEveryStatus() {
        RuntimeException bug = new IllegalStateException("bug");
        String bindings = "/api/v1/bindings";
        String one = "/api/v1/bindings/{id}";
        String json = "application/json";
        String ssh = "{\"protocol\":\"tcp\",\"inside\":\"10.0.0.12:22\",\"public\":\"203.0.113.1:2223\"}";
        for (String simple : List.of("/api/v1/health", "/api/v1/switches", "/api/v1/stats", "/api/v1/config",
                "/api/v1/openapi.json", "/metrics")) {
            provoke(simple, "GET", simple, 200);
            provoke(simple, "GET", simple + "?verbose=1", 400);
            if (!simple.endsWith("openapi.json")) {
                provoke(simple, "GET", simple, 500, simple.equals("/metrics") ? s -> fixture.metrics.fail = true
                        : s -> s.failure = bug);
            }
        }
        provoke("/api/v1/health", "GET", "/api/v1/health", 503, s -> s.health = new HealthView(false, 1, 0));
        provoke(bindings, "GET", bindings + "?proto=tcp", 200);
        provoke(bindings, "GET", bindings + "?limit=1", 200);
        provoke(bindings, "GET", bindings + "?cursor=nope", 400);
        provoke(bindings, "GET", bindings, 500, s -> s.failure = bug);
        provoke(bindings, "POST", bindings, 201, json, ssh, s -> { });
        provoke(bindings, "POST", bindings, 400, json, "{\"protocol\":\"tcp\"}", s -> { });
        provoke(bindings, "POST", bindings, 409, json, ssh.replace("2223", "2222"), s -> { });
        provoke(bindings, "POST", bindings, 413, json, " ".repeat(RestChannelInitializer.MAX_BODY_BYTES + 1), s -> { });
        provoke(bindings, "POST", bindings, 415, "text/plain", ssh, s -> { });
        provoke(bindings, "POST", bindings, 500, json, ssh, s -> s.onCreate = r -> CompletableFuture.failedFuture(bug));
        provoke(bindings, "POST", bindings, 503, json, ssh,
                s -> s.onCreate = r -> CompletableFuture.failedFuture(NatServiceException.unavailable("down")));
        provoke(bindings, "DELETE", bindings + "?inside=10.0.0.5", 200);
        provoke(bindings, "DELETE", bindings, 400);
        provoke(bindings, "DELETE", bindings + "?inside=10.0.0.5", 500, s -> s.failure = bug);
        provoke(bindings, "DELETE", bindings + "?inside=10.0.0.5", 503, s -> s.onDelete = id -> id == 1
                ? CompletableFuture.completedFuture(true)
                : CompletableFuture.failedFuture(NatServiceException.unavailable("edge-2 is not connected")));
        provoke(one, "GET", bindings + "/5", 200);
        provoke(one, "GET", bindings + "/abc", 400);
        provoke(one, "GET", bindings + "/4", 404);
        provoke(one, "GET", bindings + "/1", 500, s -> s.failure = bug);
        provoke(one, "DELETE", bindings + "/1", 200);
        provoke(one, "DELETE", bindings + "/0", 400);
        provoke(one, "DELETE", bindings + "/1", 500, s -> s.failure = bug);
        provoke(one, "DELETE", bindings + "/1", 503, s -> s.onDelete = id -> new CompletableFuture<>());
        provokeRuleStatuses(bug, json);
        for (Map.Entry<String, Set<String>> op : documentedOperations().entrySet()) {
            for (String method : op.getValue()) {
                String path = op.getKey().replace("{id}", "1").replace("{dpid}", "1");
                cases.add(new Case(op.getKey(), method.toUpperCase(Locale.ROOT), path, 401,
                        method.equals("post") ? json : null, method.equals("post") ? ssh.getBytes() : null, true,
                        s -> { }));
            }
        }
    }

    private void provokeRuleStatuses(RuntimeException bug, String json) {
        String rules = "/api/v1/switches/{dpid}/rules";
        String one = rules + "/{id}";
        String chain = "/api/v1/switches/" + FakeNatService.DPID_1 + "/rules";
        String unknown = "/api/v1/switches/00:00:00:00:00:00:00:07/rules";
        String badDpid = "/api/v1/switches/edge-1/rules";
        String rule = "{\"id\":\"lan2\",\"type\":\"masquerade\",\"match\":{\"inside\":\"10.0.1.0/24\"}}";
        provoke(rules, "GET", chain, 200);
        provoke(rules, "GET", badDpid, 400);
        provoke(rules, "GET", unknown, 404);
        provoke(rules, "GET", chain, 500, s -> s.failure = bug);
        provoke(rules, "POST", chain, 201, json, rule, s -> { });
        provoke(rules, "POST", chain, 400, json, "{\"position\":0,\"type\":\"masquerade\"}", s -> { });
        provoke(rules, "POST", unknown, 404, json, rule, s -> { });
        provoke(rules, "POST", chain, 409, json, rule.replace("lan2", "web"), s -> { });
        provoke(rules, "POST", chain, 413, json, " ".repeat(RestChannelInitializer.MAX_BODY_BYTES + 1), s -> { });
        provoke(rules, "POST", chain, 415, "text/plain", rule, s -> { });
        provoke(rules, "POST", chain, 500, json, rule, s -> s.onAddRule = (d, r) -> CompletableFuture.failedFuture(bug));
        provoke(rules, "POST", chain, 503, json, rule, s -> s.onAddRule = (d, r) -> new CompletableFuture<>());
        provoke(one, "GET", chain + "/lan", 200);
        provoke(one, "GET", badDpid + "/lan", 400);
        provoke(one, "GET", chain + "/www", 404);
        provoke(one, "GET", chain + "/lan", 500, s -> s.failure = bug);
        provoke(one, "DELETE", chain + "/web", 200);
        provoke(one, "DELETE", badDpid + "/web", 400);
        provoke(one, "DELETE", chain + "/www", 404);
        provoke(one, "DELETE", chain + "/web", 500, s -> s.failure = bug);
        provoke(one, "DELETE", chain + "/web", 503, s -> s.onDeleteRule = (d, id) ->
                CompletableFuture.failedFuture(NatServiceException.unavailable("edge-1 did not confirm")));
    }

    @Test
    void realResponsesFitTheSchemaDocumentedForTheirStatus() {
        provokeEveryStatus();
        TestClient authorised = fixture.client;
        TestClient anonymous = fixture.clientWithToken(null);
        Set<String> provoked = new TreeSet<>();
        List<String> violations = new ArrayList<>();
        for (Case c : cases) {
            service.reset();
            fixture.metrics.fail = false;
            c.setup().accept(service);
            TestClient.Response response = (c.anonymous() ? anonymous : authorised)
                    .send(c.method(), c.path(), c.contentType(), c.body());
            String where = c.method() + " " + c.path() + " -> " + response.status();
            if (c.template().equals("/api/v1/health") && c.status() == 401) {
                assertEquals(200, response.status(), "health needs no token");
                continue;
            }
            assertEquals(c.status(), response.status(), c.method() + " " + c.path() + ": " + response.body());
            JsonObject documented = operation(c.template(), c.method()).getAsJsonObject("responses")
                    .getAsJsonObject(String.valueOf(c.status()));
            assertNotNull(documented, "undocumented status: " + where);
            documented = deref(documented);
            String type = response.header("content-type").split(";")[0].trim();
            JsonObject media = documented.getAsJsonObject("content").getAsJsonObject(
                    type.equals("application/json") ? type : "text/plain");
            assertNotNull(media, where + ": undocumented content type " + type);
            JsonElement body = type.equals("application/json")
                    ? JsonParser.parseString(response.body()) : new JsonPrimitive(response.body());
            checker.check(body, media.getAsJsonObject("schema")).forEach(v -> violations.add(where + " " + v));
            if (documented.has("headers")) {
                documented.getAsJsonObject("headers").keySet().forEach(h ->
                        assertNotNull(response.header(h), where + " lacks documented header " + h));
            }
            provoked.add(c.template() + " " + c.method() + " " + c.status());
        }
        assertEquals(List.of(), violations);
        Set<String> documentedStatuses = new TreeSet<>();
        documentedOperations().forEach((template, methods) -> methods.forEach(m ->
                operation(template, m).getAsJsonObject("responses").keySet().forEach(status ->
                        documentedStatuses.add(template + " " + m.toUpperCase(Locale.ROOT) + " " + status))));
        assertEquals(documentedStatuses, provoked, "every documented status provoked and fits");
    }
}
