package io.flowmasq.rest;

/**
 * One route's logic. Runs on the event loop, so it must not block. Throws {@link ApiException} for
 * client errors; any other exception becomes a 500.
 */
@FunctionalInterface
interface Endpoint {
    ApiResponse handle(ApiRequest request);
}
