package io.flowmasq.rest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One route's logic. Runs on the event loop, so it must not block: work that waits for a switch
 * returns an incomplete stage, which the router answers when it completes (or times out). Client
 * errors are {@link ApiException}s, thrown or completing the stage; {@link NatServiceException}s keep
 * their meaning; anything else becomes a 500.
 */
@FunctionalInterface
interface Endpoint {
    CompletionStage<Reply> handle(ApiRequest request);

    static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
