package io.flowmasq.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static io.flowmasq.rest.Endpoint.done;

/**
 * The {@code /api/v1} endpoints and {@code /metrics}: thin adapters from {@link NatService} to JSON.
 * The bindings live in {@link BindingsApi}, the rule chains in {@link RulesApi}; the contract is {@code openapi.json}, served as written.
 */
final class ApiV1 {
    static final String PREFIX = "/api/v1";
    static final String METRICS = "/metrics";
    static final String OPENAPI_RESOURCE = "openapi.json";

    private final NatService service;
    private final JsonCodec codec;
    private final MetricsExposition metrics;
    private final Clock clock;
    private final JsonElement openApi;

    /** {@code metrics} may be null: then {@code /metrics} does not exist (404). */
    ApiV1(NatService service, JsonCodec codec, MetricsExposition metrics, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.metrics = metrics;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.openApi = openApiDocument();
    }

    Routes routes() {
        Routes.Builder routes = Routes.builder()
                .route(HttpMethod.GET, PREFIX + "/health", Set.of(), Routes.Access.PUBLIC, this::health);
        new BindingsApi(service, codec, clock).addTo(routes)
                .get(PREFIX + "/switches", this::switches);
        new RulesApi(service).addTo(routes)
                .get(PREFIX + "/stats", this::stats)
                .get(PREFIX + "/config", this::config)
                .get(PREFIX + "/openapi.json", this::openApi);
        if (metrics != null) {
            routes.get(METRICS, this::metrics);
        }
        return routes.build();
    }

    /** The OpenAPI document on the class path; a missing or broken one is a packaging bug. */
    static JsonElement openApiDocument() {
        try (InputStream in = ApiV1.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " missing from the class path");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return JsonParser.parseReader(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletionStage<Reply> health(ApiRequest request) {
        HealthView health = service.health();
        // 503 until ready, so a load balancer or systemd probe can use the status code alone.
        return done(new ApiResponse(health.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                codec.health(health)));
    }

    private CompletionStage<Reply> switches(ApiRequest request) {
        return done(ApiResponse.ok(codec.switches(service.switches())));
    }

    private CompletionStage<Reply> stats(ApiRequest request) {
        return done(ApiResponse.ok(codec.stats(service.stats())));
    }

    private CompletionStage<Reply> config(ApiRequest request) {
        return done(ApiResponse.ok(service.effectiveConfig()));
    }

    private CompletionStage<Reply> openApi(ApiRequest request) {
        return done(ApiResponse.ok(openApi));
    }

    private CompletionStage<Reply> metrics(ApiRequest request) {
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            metrics.writeTo(out, accept); // into memory: no I/O on the event loop
        } catch (IOException e) {
            throw new UncheckedIOException("metrics exposition failed", e);
        }
        return done(new TextResponse(HttpResponseStatus.OK, metrics.contentType(accept), out.toByteArray()));
    }
}
