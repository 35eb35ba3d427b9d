package io.flowmasq.controller.session;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Futures waiting for a switch's BARRIER_REPLY: a barrier's reply means the switch has processed every
 * message sent before it, so the flows those messages add or delete are in place (or gone). Waits that
 * the switch never answers (it disconnected, or is stuck) are failed, never left to pile up.
 */
final class BarrierWaits {
    private record Wait(CompletableFuture<Void> future, long deadline) {
    }

    private final Map<Long, Wait> waits = new ConcurrentHashMap<>();
    private final long timeoutMillis;

    BarrierWaits(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    CompletableFuture<Void> register(long xid, long now) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waits.put(xid, new Wait(future, now + timeoutMillis));
        return future;
    }

    /** The reply to barrier {@code xid} arrived; false when nobody waited for it. */
    boolean complete(long xid) {
        Wait w = waits.remove(xid);
        if (w == null) {
            return false;
        }
        w.future.complete(null);
        return true;
    }

    /** Fails the waits past their deadline. */
    void expire(long now, Supplier<RuntimeException> failure) {
        for (Iterator<Wait> it = waits.values().iterator(); it.hasNext(); ) {
            Wait w = it.next();
            if (w.deadline <= now) {
                it.remove();
                w.future.completeExceptionally(failure.get());
            }
        }
    }

    void failAll(Supplier<RuntimeException> failure) {
        for (Iterator<Wait> it = waits.values().iterator(); it.hasNext(); ) {
            Wait w = it.next();
            it.remove();
            w.future.completeExceptionally(failure.get());
        }
    }

    int size() {
        return waits.size();
    }
}
