package io.flowmasq.rest;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.flowmasq.rest.FakeNatService.ICMP_A;
import static io.flowmasq.rest.FakeNatService.S1;
import static io.flowmasq.rest.FakeNatService.TCP_A;
import static io.flowmasq.rest.FakeNatService.UDP_B;
import static io.flowmasq.rest.FakeNatService.UNCONFIGURED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on an ephemeral port, spoken to by the JDK's HTTP client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestServerTest {
    private final FakeNatService service = new FakeNatService();
    private final JsonCodec codec = new JsonCodec();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private RestServer server;

    @BeforeAll
    void start() throws InterruptedException {
        server = new RestServer(new InetSocketAddress("127.0.0.1", 0), service);
        server.start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void resetService() {
        FakeNatService fresh = new FakeNatService();
        service.ready = fresh.ready;
        service.bindings = fresh.bindings;
        service.switches = fresh.switches;
        service.counters = fresh.counters;
        service.failure = null;
    }

    private HttpResponse<String> send(String method, String pathAndQuery, byte[] body)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.boundAddress().getPort() + pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(null));
        assertEquals(response.body().length(), response.headers().firstValueAsLong("content-length").orElse(-1));
        return response;
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, null);
    }

    private JsonObject json(HttpResponse<String> response) {
        return codec.parse(response.body());
    }

    @Test
    void boundToARealPort() {
        assertTrue(server.boundAddress().getPort() > 0);
    }

    @Test
    void healthIs200WhenReadyAnd503Otherwise() throws Exception {
        HttpResponse<String> ok = get("/api/v1/health");
        assertEquals(200, ok.statusCode());
        assertEquals("{\"status\":\"ok\",\"ready\":true}", ok.body());
        service.ready = false;
        HttpResponse<String> starting = get("/api/v1/health");
        assertEquals(503, starting.statusCode());
        assertEquals("{\"status\":\"starting\",\"ready\":false}", starting.body());
    }

    @Test
    void bindingsListsAllWithCount() throws Exception {
        HttpResponse<String> response = get("/api/v1/bindings");
        assertEquals(200, response.statusCode());
        assertEquals(List.of(TCP_A, UDP_B, ICMP_A), codec.decodeBindings(json(response)));
        assertEquals(3, json(response).get("count").getAsInt());
        assertEquals("no-store", response.headers().firstValue("cache-control").orElse(null));
    }

    @Test
    void bindingsFilters() throws Exception {
        assertEquals(List.of(TCP_A, ICMP_A), codec.decodeBindings(json(get("/api/v1/bindings?inside=10.0.0.5"))));
        assertEquals(List.of(UDP_B), codec.decodeBindings(json(get("/api/v1/bindings?proto=udp"))));
        assertEquals(List.of(ICMP_A), codec.decodeBindings(json(get("/api/v1/bindings?switch=00:00:00:00:00:00:00:02"))));
        JsonObject none = json(get("/api/v1/bindings?inside=10.0.0.6&proto=tcp&switch=0x1"));
        assertEquals(0, none.get("count").getAsInt());
        assertEquals(0, none.getAsJsonArray("bindings").size());
    }

    @Test
    void badFilterIs400NamingTheField() throws Exception {
        for (Map.Entry<String, String> c : Map.of("?proto=sctp", "proto", "?inside=10.0.0.300", "inside",
                "?switch=core-1", "switch", "?colour=red", "colour", "?proto=tcp&proto=udp", "proto").entrySet()) {
            HttpResponse<String> response = get("/api/v1/bindings" + c.getKey());
            assertEquals(400, response.statusCode(), c.getKey());
            assertEquals(c.getValue(), json(response).get("field").getAsString(), c.getKey());
            assertTrue(json(response).get("error").getAsString().contains(c.getValue()), response.body());
        }
    }

    @Test
    void switchesListed() throws Exception {
        HttpResponse<String> response = get("/api/v1/switches");
        assertEquals(200, response.statusCode());
        assertEquals(List.of(S1, UNCONFIGURED), codec.decodeSwitches(json(response)));
    }

    @Test
    void statsSortedByName() throws Exception {
        HttpResponse<String> response = get("/api/v1/stats");
        assertEquals(200, response.statusCode());
        assertEquals("{\"counters\":{\"bindings_created\":7,\"errors.table_full\":1,\"packet_in\":42}}", response.body());
    }

    @Test
    void unknownPathIs404() throws Exception {
        HttpResponse<String> response = get("/x");
        assertEquals(404, response.statusCode());
        assertEquals("{\"error\":\"not found\",\"path\":\"/x\"}", response.body());
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/bindings", "{}".getBytes());
        assertEquals(405, response.statusCode());
        assertEquals(List.of("GET"), response.headers().allValues("allow"));
        assertEquals("method not allowed", json(response).get("error").getAsString());
    }

    @Test
    void oversizedBodyIs413AndServerStillAnswers() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/bindings", new byte[RestChannelInitializer.MAX_BODY_BYTES + 1]);
        assertEquals(413, response.statusCode());
        assertTrue(json(response).get("error").getAsString().contains("65536"), response.body());
        assertEquals(200, get("/api/v1/health").statusCode());
    }

    @Test
    void serviceExceptionIs500AndLogged() throws Exception {
        service.failure = new IllegalStateException("snapshot failed");
        try (LogCapture log = new LogCapture(RouterHandler.class)) {
            HttpResponse<String> response = get("/api/v1/switches");
            assertEquals(500, response.statusCode());
            assertEquals("{\"error\":\"internal error\"}", response.body());
            List<ILoggingEvent> events = log.events();
            assertEquals(1, events.size());
            assertEquals("ERROR", events.get(0).getLevel().toString());
            assertEquals("snapshot failed", events.get(0).getThrowableProxy().getMessage());
        }
        service.failure = null;
        assertEquals(200, get("/api/v1/switches").statusCode(), "server survives");
    }
}
