package io.flowmasq.rest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import static io.flowmasq.rest.Endpoint.done;

/** {@code /bindings}: list (streamed, paged), one by id, delete one or by filter, create a static one. */
final class BindingsApi {
    static final String PATH = ApiV1.PREFIX + "/bindings";
    static final String ONE = PATH + "/{id}";

    private final NatService service;
    private final JsonCodec codec;
    private final Clock clock;

    BindingsApi(NatService service, JsonCodec codec, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Routes.Builder addTo(Routes.Builder routes) {
        Set<String> listParams = new HashSet<>(BindingFilter.LIST_PARAMS);
        listParams.addAll(Paging.PARAMS);
        return routes
                .get(PATH, listParams, this::list)
                .route(HttpMethod.POST, PATH, Set.of(), Routes.Access.TOKEN, this::create)
                .route(HttpMethod.DELETE, PATH, BindingFilter.DELETE_PARAMS, Routes.Access.TOKEN, this::deleteMatching)
                .get(ONE, this::one)
                .route(HttpMethod.DELETE, ONE, Set.of(), Routes.Access.TOKEN, this::delete);
    }

    private CompletionStage<Reply> list(ApiRequest request) {
        BindingFilter filter = BindingFilter.parse(request); // validate before asking the service
        Paging paging = Paging.parse(request);
        Instant now = clock.instant();
        List<BindingView> snapshot = service.bindings();
        return done(new StreamedJson(HttpResponseStatus.OK,
                new BindingsStream(codec, snapshot, paging.start(snapshot), filter, paging.limit(), now)));
    }

    private CompletionStage<Reply> one(ApiRequest request) {
        long id = request.positivePathParam("id");
        List<BindingView> snapshot = service.bindings();
        int at = Paging.firstAbove(snapshot, id - 1);
        if (at == snapshot.size() || snapshot.get(at).id() != id) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "no binding " + id, "id", Map.of("id", id));
        }
        return done(ApiResponse.ok(codec.binding(snapshot.get(at))));
    }

    private CompletionStage<Reply> delete(ApiRequest request) {
        long id = request.positivePathParam("id");
        return call(() -> service.deleteBinding(id))
                .<Reply>thenApply(removed -> ApiResponse.ok(codec.deleted(id, Objects.requireNonNull(removed, "removed"))));
    }

    /** Deletes what one snapshot shows matching; {@code inside} is required so no request empties the table. */
    private CompletionStage<Reply> deleteMatching(ApiRequest request) {
        BindingFilter filter = BindingFilter.parse(request);
        if (filter.inside() == null) {
            throw ApiException.badParameter("inside", "query parameter 'inside' is required:"
                    + " a bulk delete must name the inside host");
        }
        List<Long> ids = service.bindings().stream().filter(filter).map(BindingView::id).toList();
        List<CompletableFuture<Boolean>> deletions = new ArrayList<>(ids.size());
        ids.forEach(id -> deletions.add(call(() -> service.deleteBinding(id))));
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                .handle((ignored, failure) -> bulkOutcome(ids, deletions));
    }

    private Reply bulkOutcome(List<Long> ids, List<CompletableFuture<Boolean>> deletions) {
        List<Long> removed = new ArrayList<>();
        List<Long> failed = new ArrayList<>();
        Throwable firstFailure = null;
        for (int i = 0; i < ids.size(); i++) {
            CompletableFuture<Boolean> deletion = deletions.get(i);
            if (deletion.isCompletedExceptionally()) {
                failed.add(ids.get(i));
                firstFailure = firstFailure != null ? firstFailure : deletion.handle((v, e) -> e).join();
            } else if (Boolean.TRUE.equals(deletion.join())) {
                removed.add(ids.get(i));
            }
        }
        if (firstFailure != null) {
            // The client must learn what did go, or it cannot tell what to retry.
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("removed", removed);
            details.put("failed", failed);
            throw new Failures.PartialFailure(firstFailure, details);
        }
        return ApiResponse.ok(codec.bulkDeleted(removed));
    }

    private CompletionStage<Reply> create(ApiRequest request) {
        JsonBodies.requireJson(request);
        StaticBindingRequest binding = StaticBindingRequests.decode(request.body());
        return call(() -> service.createBinding(binding)).<Reply>thenApply(created -> new ApiResponse(
                HttpResponseStatus.CREATED, codec.binding(created),
                Map.of(HttpHeaderNames.LOCATION.toString(), PATH + "/" + created.id())));
    }

    /** The service may throw instead of failing its future: treat both alike. */
    static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
        try {
            return Objects.requireNonNull(operation.get(), "the service returned no future");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
