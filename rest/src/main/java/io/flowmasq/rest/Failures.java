package io.flowmasq.rest;

import com.google.gson.JsonObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns whatever an endpoint failed with into the JSON error the client gets: {@link ApiException} as
 * it says, {@link NatServiceException} by its kind, and anything else, which is a bug, into a 500 whose
 * stack trace goes to the log and not to the client.
 */
final class Failures {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    /** A failure that concerns part of a batch: the cause decides the status, {@code details} say what was done. */
    static final class PartialFailure extends RuntimeException {
        private final Map<String, Object> details;

        PartialFailure(Throwable cause, Map<String, ?> details) {
            super(cause.getMessage(), cause, false, false);
            this.details = new LinkedHashMap<>(details);
        }
    }

    private final JsonCodec codec;

    Failures(JsonCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    ApiResponse toResponse(Throwable failure, String request) {
        Throwable cause = unwrap(failure);
        if (cause instanceof PartialFailure partial) {
            ApiResponse response = toResponse(partial.getCause(), request);
            JsonObject body = response.body().getAsJsonObject();
            partial.details.forEach((name, value) -> body.add(name, codec.tree(value)));
            return response;
        }
        if (cause instanceof ApiException e) {
            return new ApiResponse(e.status(), codec.error(e.getMessage(), e.field(), e.details()), e.headers());
        }
        if (cause instanceof NatServiceException e) {
            log.debug("{} refused by the service: {} {}", request, e.kind(), e.getMessage());
            Map<String, Object> details = new LinkedHashMap<>();
            if (e.conflictingBinding() != null) {
                details.put("conflicting_binding", e.conflictingBinding());
            }
            if (e.conflictingRule() != null) {
                // camelCase like the rule documents themselves (contract of issue 7)
                details.put("conflictsWith", e.conflictingRule());
            }
            return new ApiResponse(status(e.kind()), codec.error(e.getMessage(), e.field(), details));
        }
        log.error("{} failed", request, cause);
        return internalError();
    }

    ApiResponse internalError() {
        return new ApiResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR, codec.error("internal error", null, Map.of()));
    }

    private static HttpResponseStatus status(NatServiceException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpResponseStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        };
    }

    /** Futures wrap what the service threw in CompletionException (or ExecutionException): see through them. */
    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
