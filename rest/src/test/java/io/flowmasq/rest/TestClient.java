package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK's HTTP client against a running server. Every response is checked for what all answers
 * share: JSON bodies parse and are framed by Content-Length or chunking, and every 4xx names the field
 * at fault and the reason.
 */
final class TestClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, HttpHeaders headers, String body) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        JsonElement jsonElement() {
            return JsonParser.parseString(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String error() {
            return json().get("error").getAsString();
        }

        String field() {
            return json().get("field").getAsString();
        }
    }

    private final int port;
    private final String token;

    TestClient(RestServer server, String token) {
        this.port = server.boundAddress().getPort();
        this.token = token;
    }

    Response get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, null);
    }

    Response delete(String pathAndQuery) {
        return send("DELETE", pathAndQuery, null, null);
    }

    Response postJson(String pathAndQuery, String json) {
        return send("POST", pathAndQuery, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code extraHeaders} are name, value pairs. */
    Response send(String method, String pathAndQuery, String contentType, byte[] body, String... extraHeaders) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < extraHeaders.length; i += 2) {
            builder.header(extraHeaders[i], extraHeaders[i + 1]);
        }
        try {
            var response = CLIENT.send(builder.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
            Response r = new Response(response.statusCode(), response.headers(), response.body());
            checkInvariants(r);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void checkInvariants(Response r) {
        boolean chunked = "chunked".equalsIgnoreCase(r.header("transfer-encoding"));
        if (!chunked) {
            assertEquals(r.body().getBytes(StandardCharsets.UTF_8).length,
                    r.headers().firstValueAsLong("content-length").orElse(-1), "framed by Content-Length");
        }
        if (r.status() >= 300 || "application/json".equals(r.header("content-type"))) {
            assertEquals("application/json", r.header("content-type"), r.body());
            r.jsonElement(); // parses
        }
        if (r.status() >= 400 && r.status() < 500) {
            JsonObject body = r.json();
            assertTrue(body.has("error") && !body.get("error").getAsString().isBlank(), "4xx says why: " + r.body());
            assertTrue(body.has("field") && !body.get("field").getAsString().isBlank(), "4xx names the field: "
                    + r.body());
        }
        if (r.status() >= 500) {
            assertFalse(r.body().contains("Exception"), "no internals in a 5xx: " + r.body());
        }
    }

    /** Every page of a listing, following next_cursor; {@code query} without limit/cursor. */
    List<JsonObject> allPages(String query, int limit) {
        List<JsonObject> pages = new ArrayList<>();
        String cursor = null;
        do {
            String sep = query.isEmpty() ? "?" : "?" + query + "&";
            Response r = get("/api/v1/bindings" + sep + "limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, r.status(), r.body());
            JsonObject page = r.json();
            pages.add(page);
            cursor = page.get("next_cursor").isJsonNull() ? null : page.get("next_cursor").getAsString();
        } while (cursor != null);
        return pages;
    }
}
