package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Objects;

/** The read-only {@code /api/v1} endpoints: thin adapters from {@link NatService} snapshots to JSON. */
final class ApiV1 {
    static final String PREFIX = "/api/v1";

    private final NatService service;
    private final JsonCodec codec;

    ApiV1(NatService service, JsonCodec codec) {
        this.service = Objects.requireNonNull(service, "service");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    Routes routes() {
        return Routes.builder()
                .get(PREFIX + "/health", this::health)
                .get(PREFIX + "/bindings", BindingFilter.PARAMS, this::bindings)
                .get(PREFIX + "/switches", this::switches)
                .get(PREFIX + "/stats", this::stats)
                .build();
    }

    private ApiResponse health(ApiRequest request) {
        boolean ready = service.ready();
        // 503 until ready, so a load balancer or systemd probe can use the status code alone.
        return new ApiResponse(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                codec.health(ready));
    }

    private ApiResponse bindings(ApiRequest request) {
        BindingFilter filter = BindingFilter.parse(request); // validate before asking the service
        List<BindingView> matching = service.bindings().stream().filter(filter).toList();
        return ApiResponse.ok(codec.bindings(matching));
    }

    private ApiResponse switches(ApiRequest request) {
        return ApiResponse.ok(codec.switches(service.switches()));
    }

    private ApiResponse stats(ApiRequest request) {
        return ApiResponse.ok(codec.counters(service.counters()));
    }
}
