package io.flowmasq.natctl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The REST API as natctl uses it: one call per method, JSON in and out. Every failure becomes an
 * {@link ApiException} whose exit code scripts can rely on.
 */
final class ApiClient {
    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    ApiClient(URI base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        // never through a proxy: the API is on the controller's host or network
        this.http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(timeout).build();
    }

    JsonElement get(String path, Map<String, String> query) {
        return send(request(path, query).GET());
    }

    JsonElement delete(String path, Map<String, String> query) {
        return send(request(path, query).DELETE());
    }

    JsonElement post(String path, JsonObject body) {
        return send(request(path, Map.of()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** The raw text of a non-JSON resource (the Prometheus metrics). */
    String getText(String path) {
        HttpResponse<String> r = exchange(request(path, Map.of()).GET());
        if (r.statusCode() / 100 != 2) {
            throw ApiException.fromResponse(r.statusCode(), parseOrNull(r.body()), path);
        }
        return r.body();
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null) {
                q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        String basePath = base.getPath().endsWith("/") ? base.getPath().substring(0, base.getPath().length() - 1)
                : base.getPath();
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(basePath + path + q)).timeout(timeout)
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private JsonElement send(HttpRequest.Builder request) {
        HttpResponse<String> r = exchange(request);
        JsonElement body = parseOrNull(r.body());
        if (r.statusCode() / 100 != 2) {
            throw ApiException.fromResponse(r.statusCode(), body, r.request().uri().getPath());
        }
        if (body == null) {
            throw new ApiException(ApiException.EXIT_API_ERROR, "the controller answered "
                    + r.statusCode() + " with a body that is not JSON");
        }
        return body;
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiException(ApiException.EXIT_UNREACHABLE, "cannot reach the controller at " + base
                    + " (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.EXIT_UNREACHABLE, "interrupted");
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static JsonElement parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException e) {
            return null;
        }
    }
}
