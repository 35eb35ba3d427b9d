package io.flowmasq.rest;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.flowmasq.rest.FakeNatService.STATIC_SSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST and DELETE /api/v1/bindings over real HTTP, including every error a client or a switch can cause. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindingsWriteTest {
    private static final String SSH = "{\"switch\":\"00:00:00:00:00:00:00:01\",\"protocol\":\"tcp\","
            + "\"inside\":\"10.0.0.12:22\",\"public\":\"203.0.113.1:2223\"}";

    private final ServerFixture fixture = new ServerFixture();
    private final FakeNatService service = fixture.service;
    private final TestClient client = fixture.client;
    private final JsonCodec codec = new JsonCodec();

    @AfterAll
    void stop() {
        fixture.close();
    }

    @BeforeEach
    void reset() {
        service.reset();
    }

    private TestClient.Response post(String json) {
        return client.postJson("/api/v1/bindings", json);
    }

    private void assertBadField(TestClient.Response response, String field, String context) {
        assertEquals(400, response.status(), context + ": " + response.body());
        assertEquals(field, response.field(), context);
    }

    @Test
    void createIs201WithLocationAndTheBinding() {
        TestClient.Response response = post(SSH);
        assertEquals(201, response.status(), response.body());
        assertEquals("/api/v1/bindings/6", response.header("location"));
        BindingView created = codec.decodeBinding(response.json());
        assertEquals(6, created.id());
        assertEquals("static", created.origin());
        assertEquals(List.of(new StaticBindingRequest(1L, "tcp", "10.0.0.12", 22, "203.0.113.1", 2223)),
                service.createCalls);
        assertEquals(created, codec.decodeBinding(client.get(response.header("location")).json()));
    }

    @Test
    void switchIsOptionalAndSpellingsAreCanonicalised() {
        TestClient.Response response = client.send("POST", "/api/v1/bindings", "Application/JSON; charset=UTF-8",
                "{\"protocol\":\"UDP\",\"inside\":\"10.0.0.012:53\",\"public\":\"203.0.113.1:5353\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(201, response.status(), response.body());
        assertEquals(new StaticBindingRequest(null, "udp", "10.0.0.12", 53, "203.0.113.1", 5353),
                service.createCalls.get(0));
        assertEquals(201, post("{\"switch\":\"0x2\",\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:1\","
                + "\"public\":\"203.0.113.2:65535\"}").status());
        assertEquals(2L, service.createCalls.get(1).dpid());
    }

    @Test
    void badBodiesAre400NamingTheField() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("", "body"), Map.entry("   ", "body"), Map.entry("[]", "body"), Map.entry("\"x\"", "body"),
                Map.entry("42", "body"), Map.entry("null", "body"), Map.entry("{", "body"), Map.entry("{}{}", "body"),
                Map.entry("{\"protocol\":\"tcp\",}", "body"), Map.entry("{'protocol':'tcp'}", "body"),
                Map.entry("{\"colour\":\"red\"}", "colour"),
                Map.entry("{\"protocol\":\"tcp\",\"protocol\":\"udp\"}", "protocol"),
                Map.entry("{\"protocol\":6}", "protocol"), Map.entry("{\"inside\":{\"a\":1}}", "inside"),
                Map.entry("{\"inside\":\"10.0.0.1:1\",\"public\":\"203.0.113.1:1\"}", "protocol"),
                Map.entry("{\"protocol\":\"tcp\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:1\"}", "public"),
                Map.entry("{\"protocol\":null,\"inside\":\"10.0.0.1:1\",\"public\":\"203.0.113.1:1\"}", "protocol"),
                Map.entry("{\"protocol\":\"icmp\",\"inside\":\"10.0.0.1:1\",\"public\":\"203.0.113.1:1\"}", "protocol"),
                Map.entry("{\"protocol\":\"sctp\",\"inside\":\"10.0.0.1:1\",\"public\":\"203.0.113.1:1\"}", "protocol"),
                Map.entry("{\"switch\":\"edge-1\",\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:1\",\"public\":\"203.0.113.1:1\"}", "switch"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:0\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:65536\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:+22\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"host.example:22\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"[::1]:22\",\"public\":\"203.0.113.1:1\"}", "inside"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:22\",\"public\":\"203.0.113.1\"}", "public"),
                Map.entry("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:22\",\"public\":\"\"}", "public"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertBadField(post(c.getKey()), c.getValue(), c.getKey());
        }
        assertEquals(List.of(), service.createCalls, "nothing reached the service");
    }

    @Test
    void bodyMustBeUtf8() {
        byte[] latin1 = "{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:1\",\"public\":\"203.0.113.1:1\",\"x\":\"\u00e9\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertBadField(client.send("POST", "/api/v1/bindings", "application/json", latin1), "body", "latin-1");
    }

    @Test
    void contentTypeMustBeJson() {
        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded",
                "application/json; charset=iso-8859-1", "application/jsonx"}) {
            TestClient.Response response = client.send("POST", "/api/v1/bindings", type,
                    SSH.getBytes(StandardCharsets.UTF_8));
            assertEquals(415, response.status(), type);
            assertEquals("content-type", response.field());
        }
        assertEquals(List.of(), service.createCalls);
    }

    @Test
    void conflictIs409NamingTheBindingItCollidesWith() {
        TestClient.Response response = post("{\"protocol\":\"tcp\",\"inside\":\"10.0.0.12:22\",\"public\":\"203.0.113.1:2222\"}");
        assertEquals(409, response.status());
        assertEquals("{\"error\":\"public endpoint 203.0.113.1:2222/tcp is in use\",\"field\":\"public\","
                + "\"conflicting_binding\":" + STATIC_SSH.id() + "}", response.body());
    }

    @Test
    void controllerRefusalIs400NamingTheField() {
        TestClient.Response response = post("{\"switch\":\"9\",\"protocol\":\"tcp\",\"inside\":\"10.0.0.12:22\","
                + "\"public\":\"203.0.113.1:2223\"}");
        assertBadField(response, "switch", "unconfigured switch");
        assertEquals("no configured switch 00:00:00:00:00:00:00:09", response.error());
    }

    @Test
    void switchNotConnectedIs503WhetherThrownOrFailed() {
        service.onCreate = r -> CompletableFuture.failedFuture(NatServiceException.unavailable("edge-1 is not connected"));
        TestClient.Response failed = post(SSH);
        assertEquals(503, failed.status());
        assertEquals("{\"error\":\"edge-1 is not connected\"}", failed.body());
        service.onCreate = r -> {
            throw NatServiceException.unavailable("edge-1 is not connected");
        };
        assertEquals(503, post(SSH).status());
    }

    @Test
    void switchThatNeverConfirmsIs503AfterTheTimeout() {
        CompletableFuture<BindingView> never = new CompletableFuture<>();
        service.onCreate = r -> never;
        try (LogCapture log = new LogCapture(Responder.class)) {
            long start = System.nanoTime();
            TestClient.Response response = post(SSH);
            assertTrue(System.nanoTime() - start >= ServerFixture.TIMEOUT.toNanos());
            assertEquals(503, response.status());
            assertEquals("{\"error\":\"switch did not answer in time\"}", response.body());
            never.complete(STATIC_SSH); // the late answer is logged, not written to a connection that moved on
            assertEquals(200, client.get("/api/v1/health").status());
            assertTrue(log.events().stream().anyMatch(e -> e.getFormattedMessage().contains("after its timeout")));
        }
    }

    @Test
    void serviceBugInAFutureIs500() {
        service.onCreate = r -> CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("flow compiler bug");
        });
        try (LogCapture log = new LogCapture(Failures.class)) {
            TestClient.Response response = post(SSH);
            assertEquals(500, response.status());
            ILoggingEvent event = log.events().get(0);
            assertEquals("flow compiler bug", event.getThrowableProxy().getMessage());
            assertTrue(event.getFormattedMessage().startsWith("POST /api/v1/bindings"));
        }
    }

    @Test
    void deleteOneIsIdempotent() {
        TestClient.Response first = client.delete("/api/v1/bindings/5");
        assertEquals(200, first.status());
        assertEquals("{\"id\":5,\"removed\":true}", first.body());
        assertEquals(404, client.get("/api/v1/bindings/5").status());
        assertEquals("{\"id\":5,\"removed\":false}", client.delete("/api/v1/bindings/5").body());
        assertEquals(List.of(5L, 5L), service.deleteCalls);
    }

    @Test
    void deleteOneAnswersFromAFutureCompletedOnAnotherThread() {
        service.onDelete = id -> CompletableFuture.supplyAsync(() -> true,
                CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS));
        assertEquals("{\"id\":77,\"removed\":true}", client.delete("/api/v1/bindings/77").body());
    }

    @Test
    void deleteOneErrors() {
        assertBadField(client.delete("/api/v1/bindings/0"), "id", "zero");
        assertBadField(client.delete("/api/v1/bindings/x"), "id", "letters");
        service.onDelete = id -> CompletableFuture.failedFuture(NatServiceException.unavailable("edge-1 is not connected"));
        assertEquals(503, client.delete("/api/v1/bindings/1").status());
        service.onDelete = id -> new CompletableFuture<>();
        TestClient.Response late = client.delete("/api/v1/bindings/1");
        assertEquals(503, late.status());
        assertEquals("switch did not answer in time", late.error());
        service.onDelete = id -> CompletableFuture.failedFuture(
                new NatServiceException(NatServiceException.Kind.NOT_FOUND, "id", "binding 1 is gone", null));
        TestClient.Response gone = client.delete("/api/v1/bindings/1");
        assertEquals(404, gone.status());
        assertEquals("id", gone.field());
    }

    @Test
    void bulkDeleteRemovesEveryMatchOfAnInsideHost() {
        TestClient.Response response = client.delete("/api/v1/bindings?inside=10.0.0.5");
        assertEquals(200, response.status());
        assertEquals("{\"removed\":[1,3],\"count\":2}", response.body());
        assertEquals(List.of(2L, 5L), service.bindings.stream().map(BindingView::id).toList());
    }

    @Test
    void bulkDeleteNarrowsByProtocolAndSwitch() {
        assertEquals("{\"removed\":[3],\"count\":1}", client.delete("/api/v1/bindings?inside=10.0.0.5&proto=icmp").body());
        assertEquals("{\"removed\":[],\"count\":0}", client.delete("/api/v1/bindings?inside=10.0.0.5&switch=2").body());
        assertEquals("{\"removed\":[1],\"count\":1}", client.delete("/api/v1/bindings?inside=10.0.0.5&switch=1").body());
    }

    @Test
    void bulkDeleteNeedsInsideAndTakesNoOtherFilter() {
        for (String query : List.of("", "?proto=tcp", "?switch=1")) {
            assertBadField(client.delete("/api/v1/bindings" + query), "inside", query);
        }
        assertBadField(client.delete("/api/v1/bindings?inside=10.0.0.5&state=active"), "state", "state");
        assertBadField(client.delete("/api/v1/bindings?inside=10.0.0.5&limit=1"), "limit", "limit");
        assertBadField(client.delete("/api/v1/bindings?inside=10.0.0"), "inside", "bad address");
        assertEquals(List.of(), service.deleteCalls);
        assertEquals(4, service.bindings.size());
    }

    @Test
    void bulkDeleteThatPartlyFailsSaysWhatWasRemoved() {
        service.onDelete = id -> id == 3
                ? CompletableFuture.failedFuture(NatServiceException.unavailable("edge-2 is not connected"))
                : CompletableFuture.completedFuture(true);
        TestClient.Response response = client.delete("/api/v1/bindings?inside=10.0.0.5");
        assertEquals(503, response.status());
        assertEquals("{\"error\":\"edge-2 is not connected\",\"removed\":[1],\"failed\":[3]}", response.body());
    }

    @Test
    void bulkDeleteWaitsForTheSlowestSwitchButNotForever() {
        service.onDelete = id -> id == 3 ? new CompletableFuture<>() : CompletableFuture.completedFuture(true);
        TestClient.Response response = client.delete("/api/v1/bindings?inside=10.0.0.5");
        assertEquals(503, response.status());
        assertEquals("switch did not answer in time", response.error());
        JsonObject body = response.json();
        assertNull(body.get("removed"));
    }
}
