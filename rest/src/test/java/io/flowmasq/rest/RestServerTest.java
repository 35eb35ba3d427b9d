package io.flowmasq.rest;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static io.flowmasq.rest.FakeNatService.S1;
import static io.flowmasq.rest.FakeNatService.S2;
import static io.flowmasq.rest.FakeNatService.UNCONFIGURED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on an ephemeral port, spoken to by the JDK's HTTP client: everything but /bindings. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestServerTest {
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
        fixture.metrics.fail = false;
    }

    @Test
    void healthIs200WhenReadyAnd503Otherwise() {
        TestClient.Response ok = client.get("/api/v1/health");
        assertEquals(200, ok.status());
        assertEquals("{\"status\":\"ok\",\"ready\":true,\"engine_running\":true,\"switches_configured\":2,"
                + "\"switches_connected\":2}", ok.body());
        service.health = new HealthView(true, 2, 0);
        TestClient.Response down = client.get("/api/v1/health");
        assertEquals(503, down.status());
        assertEquals("{\"status\":\"unavailable\",\"ready\":false,\"engine_running\":true,\"switches_configured\":2,"
                + "\"switches_connected\":0}", down.body());
        service.health = new HealthView(false, 2, 2);
        assertEquals(503, client.get("/api/v1/health").status(), "engine stopped");
    }

    @Test
    void switchesListed() {
        TestClient.Response response = client.get("/api/v1/switches");
        assertEquals(200, response.status());
        assertEquals(List.of(S1, S2, UNCONFIGURED), codec.decodeSwitches(response.json()));
        assertEquals("no-store", response.header("cache-control"));
    }

    @Test
    void statsHaveTotalsAndSortedMaps() {
        TestClient.Response response = client.get("/api/v1/stats");
        assertEquals(200, response.status());
        assertEquals("{\"bindings_by_protocol\":{\"icmp\":1,\"tcp\":2,\"udp\":1},\"bindings_total\":4,"
                + "\"packet_ins_per_second\":3.5,\"counters\":{\"nat.binding_created\":7,"
                + "\"openflow.error.FLOW_MOD_FAILED\":1,\"packet_in\":42}}", response.body());
    }

    @Test
    void configIsTheServicesDocumentAsGiven() {
        TestClient.Response response = client.get("/api/v1/config");
        assertEquals(200, response.status());
        assertEquals(service.config, response.jsonElement());
    }

    @Test
    void openApiDocumentIsServed() {
        TestClient.Response response = client.get("/api/v1/openapi.json");
        assertEquals(200, response.status());
        assertEquals(ApiV1.openApiDocument(), JsonParser.parseString(response.body()));
        assertEquals("3.0.3", response.json().get("openapi").getAsString());
    }

    @Test
    void metricsAtTheRootWithTheExpositionsContentType() {
        TestClient.Response text = client.get("/metrics");
        assertEquals(200, text.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.header("content-type"));
        assertTrue(text.body().contains("flowmasq_bindings{protocol=\"tcp\"} 2"), text.body());
        TestClient.Response open = client.send("GET", "/metrics", null, null,
                "Accept", "application/openmetrics-text; version=1.0.0");
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", open.header("content-type"));
        assertTrue(open.body().startsWith("# accept: application/openmetrics-text; version=1.0.0\n"), "Accept passed on");
        assertEquals(404, client.get("/api/v1/metrics").status(), "not under /api/v1");
    }

    @Test
    void metricsFailureIs500() {
        fixture.metrics.fail = true;
        try (LogCapture log = new LogCapture(Failures.class)) {
            assertEquals(500, client.get("/metrics").status());
            assertEquals(1, log.events().size());
        }
    }

    @Test
    void withoutMetricsThereIsNoMetricsRoute() {
        try (ServerFixture bare = new ServerFixture(new FakeNatService(), null, null)) {
            TestClient.Response response = bare.client.get("/metrics");
            assertEquals(404, response.status());
            assertEquals("path", response.field());
            assertEquals(200, bare.client.get("/api/v1/health").status());
        }
    }

    @Test
    void unknownPathIs404() {
        TestClient.Response response = client.get("/x");
        assertEquals(404, response.status());
        assertEquals("{\"error\":\"not found\",\"field\":\"path\",\"path\":\"/x\"}", response.body());
        assertEquals(404, client.get("/api/v1/health/").status(), "paths match exactly");
        assertEquals(404, client.get("/api/v1/bindings/1/x").status());
    }

    @Test
    void wrongMethodIs405WithAllow() {
        TestClient.Response put = client.send("PUT", "/api/v1/bindings", "application/json", "{}".getBytes());
        assertEquals(405, put.status());
        assertEquals("GET, POST, DELETE", put.header("allow"));
        assertEquals("method", put.field());
        assertEquals("PUT", put.json().get("method").getAsString());
        assertEquals("GET, DELETE", client.send("POST", "/api/v1/bindings/1", null, null).header("allow"));
        assertEquals("GET", client.delete("/api/v1/switches").header("allow"));
        assertEquals(405, client.delete("/api/v1/health").status());
    }

    @Test
    void unknownQueryParameterIs400NamingIt() {
        for (String path : List.of("/api/v1/health", "/api/v1/switches", "/api/v1/stats", "/api/v1/config",
                "/api/v1/openapi.json", "/metrics", "/api/v1/bindings/1")) {
            TestClient.Response response = client.get(path + "?verbose=1");
            assertEquals(400, response.status(), path);
            assertEquals("verbose", response.field(), path);
        }
    }

    @Test
    void oversizedBodyIs413AndServerStillAnswers() {
        TestClient.Response response = client.send("POST", "/api/v1/bindings", "application/json",
                new byte[RestChannelInitializer.MAX_BODY_BYTES + 1]);
        assertEquals(413, response.status());
        assertEquals("body", response.field());
        assertTrue(response.error().contains("65536"), response.body());
        assertEquals(200, client.get("/api/v1/health").status());
    }

    @Test
    void serviceBugIs500AndLoggedWithItsStack() {
        service.failure = new IllegalStateException("snapshot failed");
        try (LogCapture log = new LogCapture(Failures.class)) {
            for (String path : List.of("/api/v1/switches", "/api/v1/stats", "/api/v1/config", "/api/v1/health",
                    "/api/v1/bindings", "/api/v1/bindings/1")) {
                TestClient.Response response = client.get(path);
                assertEquals(500, response.status(), path);
                assertEquals("{\"error\":\"internal error\"}", response.body());
            }
            List<ILoggingEvent> events = log.events();
            assertEquals(6, events.size());
            assertEquals("ERROR", events.get(0).getLevel().toString());
            assertTrue(events.get(0).getFormattedMessage().contains("GET /api/v1/switches"));
            assertEquals("snapshot failed", events.get(0).getThrowableProxy().getMessage());
        }
        service.failure = null;
        assertEquals(200, client.get("/api/v1/switches").status(), "server survives");
    }

    @Test
    void serviceExceptionsKeepTheirMeaningEvenWhenThrownDirectly() {
        service.failure = NatServiceException.unavailable("engine restarting");
        TestClient.Response response = client.get("/api/v1/switches");
        assertEquals(503, response.status());
        assertEquals("{\"error\":\"engine restarting\"}", response.body());
    }

    @Test
    void aValueJsonCannotHoldIs500NotABrokenDocument() {
        service.stats = new StatsView(java.util.Map.of(), Double.NaN, java.util.Map.of());
        try (LogCapture log = new LogCapture(Responder.class)) {
            TestClient.Response response = client.get("/api/v1/stats");
            assertEquals(500, response.status());
            assertEquals(1, log.events().size());
        }
        assertNull(service.failure);
    }
}
