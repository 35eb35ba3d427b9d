package io.flowmasq.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.flowmasq.rest.FakeNatService.DPID_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code /api/v1/switches/{dpid}/rules} over real HTTP: every route, every status, every envelope error. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RulesApiTest {
    private static final String CHAIN = "/api/v1/switches/" + DPID_1 + "/rules";
    private static final String POOL = "{\"id\":\"staff\",\"type\":\"pool\",\"match\":{\"inside\":\"10.0.0.0/25\"},"
            + "\"addresses\":[\"203.0.113.20-203.0.113.29\"]}";

    private final ServerFixture fixture = new ServerFixture();
    private final FakeNatService service = fixture.service;
    private final TestClient client = fixture.client;

    @AfterAll
    void stop() {
        fixture.close();
    }

    @BeforeEach
    void reset() {
        service.reset();
    }

    private static List<String> ids(JsonObject chain) {
        JsonArray rules = chain.getAsJsonArray("rules");
        return rules.asList().stream().map(r -> r.getAsJsonObject().get("position").getAsInt() + ":"
                + r.getAsJsonObject().get("id").getAsString()).toList();
    }

    private static void assertError(TestClient.Response response, int status, String field) {
        assertEquals(status, response.status(), response.body());
        assertEquals(field, response.field(), response.body());
    }

    @Test
    void listIsTheServicesDocumentForTheCanonicalDpid() {
        TestClient.Response response = client.get(CHAIN);
        assertEquals(200, response.status(), response.body());
        assertEquals(service.rules(DPID_1), response.json());
        assertEquals(List.of("1:web", "2:lan"), ids(response.json()));
        for (String form : List.of("0x1", "1", "0X0000000000000001")) {
            assertEquals(200, client.get("/api/v1/switches/" + form + "/rules").status(), form);
        }
        assertEquals(List.of("rules " + DPID_1, "rules " + DPID_1, "rules " + DPID_1, "rules " + DPID_1,
                "rules " + DPID_1), service.ruleCalls, "every dpid form reaches the service in colon form");
    }

    @Test
    void listOfUnknownSwitchIs404AndABadDpidIs400() {
        assertError(client.get("/api/v1/switches/00:00:00:00:00:00:00:07/rules"), 404, "dpid");
        assertError(client.get("/api/v1/switches/edge-1/rules"), 400, "dpid");
        assertError(client.get("/api/v1/switches/0x10000000000000000/rules"), 400, "dpid");
        assertError(client.get(CHAIN + "?verbose=1"), 400, "verbose");
    }

    @Test
    void oneRuleByIdAnd404ForAnUnknownOne() {
        TestClient.Response lan = client.get("/api/v1/switches/1/rules/lan");
        assertEquals(200, lan.status(), lan.body());
        assertEquals(service.rules(DPID_1).getAsJsonArray("rules").get(1), lan.json());
        TestClient.Response missing = client.get(CHAIN + "/www");
        assertError(missing, 404, "id");
        assertEquals("no rule 'www' on switch " + DPID_1, missing.error());
        assertError(client.get("/api/v1/switches/00:00:00:00:00:00:00:07/rules/lan"), 404, "dpid");
    }

    @Test
    void addIs201WithLocationAndTheNewRulesView() {
        TestClient.Response response = client.postJson(CHAIN, POOL);
        assertEquals(201, response.status(), response.body());
        assertEquals(CHAIN + "/staff", response.header("location"));
        JsonObject view = response.json();
        assertEquals(3, view.get("position").getAsInt());
        assertEquals("pool", view.get("type").getAsString());
        assertEquals(List.of("add " + DPID_1 + " null " + POOL), service.ruleCalls, "the body as sent, appended");
        assertEquals(view, client.get(response.header("location")).json(), "Location names the rule");
    }

    @Test
    void positionIsPassedApartFromTheRule() {
        String body = "{\"position\":1," + POOL.substring(1);
        TestClient.Response response = client.postJson("/api/v1/switches/0x1/rules", body);
        assertEquals(201, response.status(), response.body());
        assertEquals(List.of("add " + DPID_1 + " 1 " + POOL), service.ruleCalls);
        assertEquals(List.of("1:staff", "2:web", "3:lan"), ids(client.get(CHAIN).json()));
        assertEquals(201, client.postJson(CHAIN, "{\"position\":2.0,\"id\":\"x\",\"type\":\"masquerade\"}").status(),
                "2.0 is the integer 2");
        assertEquals(201, client.postJson(CHAIN, "{\"position\":null,\"id\":\"y\",\"type\":\"masquerade\"}").status(),
                "null is absent");
        assertEquals(List.of("1:staff", "2:x", "3:web", "4:lan", "5:y"), ids(client.get(CHAIN).json()));
    }

    @Test
    void badPositionIs400NamingItBeforeTheServiceIsAsked() {
        for (String position : List.of("0", "-1", "1.5", "\"2\"", "true", "[1]", "{}", "2147483648", "1e400")) {
            TestClient.Response response = client.postJson(CHAIN, "{\"position\":" + position
                    + ",\"type\":\"masquerade\"}");
            assertError(response, 400, "position");
            assertEquals("'position' must be an integer of at least 1 (1 = first rule), got " + position,
                    response.error(), position);
        }
        assertEquals(List.of(), service.ruleCalls);
    }

    @Test
    void bodyMustBeOneJsonObject() {
        for (String body : List.of("", "  ", "[]", "\"rule\"", "42", "null", "{\"type\":\"pool\"", "{} {}", "{'a':1}",
                "{\"type\":\"masquerade\",}")) {
            assertError(client.postJson(CHAIN, body), 400, "body");
        }
        TestClient.Response notUtf8 = client.send("POST", CHAIN, "application/json",
                new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', '}'});
        assertError(notUtf8, 400, "body");
        assertEquals("request body is not UTF-8", notUtf8.error());
        assertError(client.send("POST", CHAIN, "text/plain", POOL.getBytes(StandardCharsets.UTF_8)), 415,
                "content-type");
        assertError(client.send("POST", CHAIN, null, POOL.getBytes(StandardCharsets.UTF_8)), 415, "content-type");
        assertEquals(List.of(), service.ruleCalls);
    }

    @Test
    void serviceRefusalsKeepTheirStatusFieldAndConflictingRule() {
        assertError(client.postJson(CHAIN, "{\"id\":\"nope\"}"), 400, "type");
        assertError(client.postJson(CHAIN, "{\"position\":4,\"type\":\"masquerade\"}"), 400, "position");
        assertError(client.postJson("/api/v1/switches/7/rules", POOL), 404, "dpid");
        TestClient.Response conflict = client.postJson(CHAIN, POOL.replace("staff", "web"));
        assertError(conflict, 409, "id");
        assertEquals("web", conflict.json().get("conflictsWith").getAsString());
        assertFalse(conflict.json().has("conflicting_binding"));
        assertEquals(List.of("1:web", "2:lan"), ids(client.get(CHAIN).json()), "nothing added");
    }

    @Test
    void addThatTheSwitchDoesNotConfirmIs503() {
        service.onAddRule = (dpid, rule) -> CompletableFuture.failedFuture(
                NatServiceException.unavailable("edge-1 did not confirm the rule's flows"));
        TestClient.Response refused = client.postJson(CHAIN, POOL);
        assertEquals(503, refused.status(), refused.body());
        assertEquals("edge-1 did not confirm the rule's flows", refused.error());
        service.onAddRule = (dpid, rule) -> new CompletableFuture<>();
        TestClient.Response late = client.postJson(CHAIN, POOL);
        assertEquals(503, late.status(), late.body());
        assertEquals("switch did not answer in time", late.error());
    }

    @Test
    void serviceBugsAre500WithoutDetails() {
        service.onAddRule = (dpid, rule) -> CompletableFuture.completedFuture(null);
        assertEquals(500, client.postJson(CHAIN, POOL).status(), "a null view is a bug");
        service.onAddRule = (dpid, rule) -> CompletableFuture.completedFuture(new JsonObject());
        assertEquals(500, client.postJson(CHAIN, POOL).status(), "a view without id is a bug");
        service.failure = new IllegalStateException("boom");
        TestClient.Response response = client.get(CHAIN);
        assertEquals(500, response.status());
        assertEquals("internal error", response.error());
    }

    @Test
    void deleteAnswersWhatTheServiceRemoved() {
        TestClient.Response response = client.delete("/api/v1/switches/1/rules/web");
        assertEquals(200, response.status(), response.body());
        assertEquals(JsonParser.parseString("{\"deleted\":\"web\",\"bindingsRemoved\":2}"), response.json());
        assertEquals(List.of("delete " + DPID_1 + " web"), service.ruleCalls);
        assertEquals(List.of("1:lan"), ids(client.get(CHAIN).json()));
        TestClient.Response again = client.delete(CHAIN + "/web");
        assertError(again, 404, "id");
        assertError(client.delete("/api/v1/switches/7/rules/lan"), 404, "dpid");
        assertError(client.delete("/api/v1/switches/s1/rules/lan"), 400, "dpid");
        service.onDeleteRule = (dpid, id) -> CompletableFuture.failedFuture(NatServiceException.unavailable("down"));
        assertEquals(503, client.delete(CHAIN + "/lan").status());
    }

    @Test
    void otherMethodsAre405WithAllow() {
        TestClient.Response put = client.send("PUT", CHAIN, null, null);
        assertEquals(405, put.status());
        assertEquals("GET, POST", put.header("allow"));
        TestClient.Response post = client.postJson(CHAIN + "/web", POOL);
        assertEquals(405, post.status());
        assertEquals("GET, DELETE", post.header("allow"));
        assertEquals(404, client.get(CHAIN + "/").status(), "no empty rule id");
    }

    @Test
    void everyRuleRouteNeedsTheToken() {
        try (ServerFixture secured = new ServerFixture(new FakeNatService(), new ServerFixture.FakeMetrics(), "t0k")) {
            TestClient anonymous = secured.clientWithToken(null);
            for (TestClient.Response r : List.of(anonymous.get(CHAIN), anonymous.get(CHAIN + "/web"),
                    anonymous.postJson(CHAIN, POOL), anonymous.delete(CHAIN + "/web"))) {
                assertError(r, 401, "authorization");
            }
            assertEquals(List.of(), secured.service.ruleCalls, "refused before reaching the service");
            assertEquals(201, secured.client.postJson(CHAIN, POOL).status());
            assertEquals(200, secured.client.delete(CHAIN + "/web").status());
        }
    }
}
