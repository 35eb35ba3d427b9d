package io.flowmasq.controller.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BarrierWaitsTest {
    private final BarrierWaits waits = new BarrierWaits(5_000);

    private static Throwable failure(CompletableFuture<Void> f) {
        assertTrue(f.isCompletedExceptionally());
        return assertThrows(ExecutionException.class, f::get).getCause();
    }

    @Test
    void theReplyCompletesItsWaitOnly() {
        CompletableFuture<Void> a = waits.register(7, 0);
        CompletableFuture<Void> b = waits.register(8, 0);
        assertFalse(a.isDone());
        assertTrue(waits.complete(7));
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        assertFalse(b.isDone());
        assertFalse(waits.complete(7), "answered already");
        assertFalse(waits.complete(9), "nobody waits for it");
        assertEquals(1, waits.size());
    }

    @Test
    void anErrorForAMessageOfTheBatchFailsItsWaitOnly() {
        CompletableFuture<Void> a = waits.register(10, java.util.List.of(7L, 8L), 0);
        CompletableFuture<Void> b = waits.register(11, java.util.List.of(9L), 0);
        RuntimeException full = new IllegalStateException("flow table full");
        assertFalse(waits.fail(12, () -> full), "no batch sent 12");
        assertTrue(waits.fail(8, () -> full));
        assertSame(full, failure(a));
        assertFalse(waits.fail(7, () -> full), "its batch already failed");
        assertFalse(waits.complete(10), "the barrier's later reply finds nobody");
        assertFalse(b.isDone());
        assertTrue(waits.complete(11));
        assertFalse(waits.fail(9, () -> full), "a completed batch forgets its messages");
        assertEquals(0, waits.size());
    }

    @Test
    void waitsPastTheirDeadlineFail() {
        CompletableFuture<Void> early = waits.register(1, 1_000);
        CompletableFuture<Void> late = waits.register(2, 3_000);
        RuntimeException timeout = new IllegalStateException("timeout");
        waits.expire(5_999, () -> timeout);
        assertFalse(early.isDone());
        waits.expire(6_000, () -> timeout);
        assertSame(timeout, failure(early));
        assertFalse(late.isDone());
        assertEquals(1, waits.size());
        assertFalse(waits.complete(1), "an expired wait is forgotten");
        waits.expire(8_000, () -> timeout);
        assertSame(timeout, failure(late));
        assertEquals(0, waits.size());
    }

    @Test
    void failAllFailsEveryWait() {
        CompletableFuture<Void> a = waits.register(1, 0);
        CompletableFuture<Void> b = waits.register(2, 100);
        waits.failAll(() -> new IllegalStateException("gone"));
        assertEquals("gone", failure(a).getMessage());
        assertEquals("gone", failure(b).getMessage());
        assertEquals(0, waits.size());
        assertFalse(waits.complete(1));
    }
}
