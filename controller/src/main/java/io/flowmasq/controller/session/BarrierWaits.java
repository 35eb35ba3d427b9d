package io.flowmasq.controller.session;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Futures waiting for a switch's BARRIER_REPLY: a barrier's reply means the switch has processed every
 * message sent before it, so the flows those messages add or delete are in place (or gone). An error the
 * switch answers one of those messages with comes before the barrier's reply and fails the wait at once
 * (the change did not happen as asked). Waits that the switch never answers (it disconnected, or is
 * stuck) are failed, never left to pile up.
 */
final class BarrierWaits {
    private record Wait(CompletableFuture<Void> future, long deadline, Collection<Long> batch) {
    }

    private final Map<Long, Wait> waits = new ConcurrentHashMap<>();
    /** The xid of each message of a waiting batch, to the xid of the batch's barrier. */
    private final Map<Long, Long> barrierOf = new ConcurrentHashMap<>();
    private final long timeoutMillis;

    BarrierWaits(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    CompletableFuture<Void> register(long xid, long now) {
        return register(xid, java.util.List.of(), now);
    }

    /** Waits for barrier {@code xid}, sent after the messages whose xids are {@code batch}. */
    CompletableFuture<Void> register(long xid, Collection<Long> batch, long now) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        waits.put(xid, new Wait(future, now + timeoutMillis, java.util.List.copyOf(batch)));
        for (long m : batch) {
            barrierOf.put(m, xid);
        }
        return future;
    }

    /** The reply to barrier {@code xid} arrived; false when nobody waited for it. */
    boolean complete(long xid) {
        Wait w = remove(xid);
        if (w == null) {
            return false;
        }
        w.future.complete(null);
        return true;
    }

    /**
     * The switch answered message {@code messageXid} with an error: fails the wait of the batch it was
     * part of. False when it was part of none (a packet-in's answer, say).
     */
    boolean fail(long messageXid, Supplier<RuntimeException> failure) {
        Long barrier = barrierOf.get(messageXid);
        Wait w = barrier == null ? null : remove(barrier);
        if (w == null) {
            return false;
        }
        w.future.completeExceptionally(failure.get());
        return true;
    }

    private Wait remove(long barrierXid) {
        Wait w = waits.remove(barrierXid);
        if (w != null) {
            w.batch.forEach(barrierOf::remove);
        }
        return w;
    }

    /** Fails the waits past their deadline. */
    void expire(long now, Supplier<RuntimeException> failure) {
        for (Iterator<Wait> it = waits.values().iterator(); it.hasNext(); ) {
            Wait w = it.next();
            if (w.deadline <= now) {
                it.remove();
                w.batch.forEach(barrierOf::remove);
                w.future.completeExceptionally(failure.get());
            }
        }
    }

    void failAll(Supplier<RuntimeException> failure) {
        for (Iterator<Wait> it = waits.values().iterator(); it.hasNext(); ) {
            Wait w = it.next();
            it.remove();
            w.batch.forEach(barrierOf::remove);
            w.future.completeExceptionally(failure.get());
        }
    }

    int size() {
        return waits.size();
    }
}
