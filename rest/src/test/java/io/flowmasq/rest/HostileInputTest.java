package io.flowmasq.rest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a client sends, the answer is never a 500: client input is a 4xx, and the server keeps serving. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final List<String> PATHS = List.of("/api/v1/health", "/api/v1/bindings", "/api/v1/bindings/1",
            "/api/v1/bindings/0", "/api/v1/switches", "/api/v1/stats", "/api/v1/config", "/api/v1/openapi.json",
            "/metrics", "/api/v1/bindings/%00", "/api/v1/bindings/%E2%82%AC", "/api/v1//bindings", "/", "/api");
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS");
    private static final List<String> QUERIES = List.of("", "?inside=10.0.0.5", "?inside=%00", "?limit=99999999999999",
            "?cursor=djE6", "?cursor=djE6OTk5OTk5OTk5OTk5OTk5OTk5OQ", "?public=1.2.3.4:99999", "?switch=0x",
            "?switch=" + "f".repeat(40), "?state=", "?origin=STATIC&origin=static", "?inside=10.0.0.5&proto=%ff",
            "?a=b&a=c", "?%zz", "?inside=1.2.3.4&limit=0");
    private static final List<String> BODIES = List.of("", "{}", "[]", "null", "{\"switch\":" + "[".repeat(5000),
            "{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:22\",\"public\":\"203.0.113.1:99999999999999999999\"}",
            "{\"protocol\":\"tcp\",\"inside\":\"10.0.0.1:22\",\"public\":\"203.0.113.1:22\",\"switch\":\"-1\"}",
            "{\"protocol\":\"\\u0000\",\"inside\":\"\\ud800:1\",\"public\":\"::\"}", "{\"protocol\":1e999}",
            "\u00ef\u00bb\u00bf{}", "{\"a\":1,\"a\":2}");

    private final ServerFixture fixture = new ServerFixture();

    @AfterAll
    void stop() {
        fixture.close();
    }

    @Test
    void randomRequestsNeverCauseA500() {
        Random random = new Random(20261125);
        for (int i = 0; i < 400; i++) {
            fixture.service.reset();
            String method = METHODS.get(random.nextInt(METHODS.size()));
            String path = PATHS.get(random.nextInt(PATHS.size())) + QUERIES.get(random.nextInt(QUERIES.size()));
            byte[] body = null;
            if (random.nextBoolean()) {
                body = BODIES.get(random.nextInt(BODIES.size())).getBytes(StandardCharsets.UTF_8);
            } else if (random.nextInt(4) == 0) {
                body = new byte[random.nextInt(200)];
                random.nextBytes(body);
            }
            String type = List.of("application/json", "application/json; charset=utf-16", "text/plain", "")
                    .get(random.nextInt(4));
            TestClient.Response response;
            try {
                response = fixture.client.send(method, path, type.isEmpty() ? null : type, body);
            } catch (IllegalArgumentException e) { // the JDK client refuses some URIs before sending (%zz)
                continue;
            }
            assertTrue(response.status() < 500, method + " " + path + " -> " + response.status() + " " + response.body());
        }
        assertEquals(200, fixture.client.get("/api/v1/health").status());
    }
}
