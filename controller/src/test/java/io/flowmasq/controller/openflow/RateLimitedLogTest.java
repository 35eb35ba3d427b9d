package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final RateLimitedLog limit =
            new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), "events", 3, 100, clock::get);

    @Test
    void firstNPerIntervalArePermittedTheRestCounted() {
        for (int i = 0; i < 3; i++) {
            assertTrue(limit.permit(), "event " + i);
        }
        for (int i = 0; i < 5; i++) {
            assertFalse(limit.permit());
        }
        assertEquals(5, limit.suppressed());
        clock.addAndGet(99);
        assertFalse(limit.permit());
        assertEquals(6, limit.suppressed());
    }

    @Test
    void aNewIntervalPermitsAgainAndReportsTheSuppressedOnce() {
        for (int i = 0; i < 10; i++) {
            limit.permit();
        }
        assertEquals(7, limit.suppressed());
        clock.addAndGet(100);
        assertTrue(limit.permit());
        assertEquals(0, limit.suppressed(), "the summary went out with the first line of the new interval");
        assertTrue(limit.permit());
        assertTrue(limit.permit());
        assertFalse(limit.permit());
    }

    @Test
    void rejectsNonsenseBounds() {
        assertThrows(IllegalArgumentException.class,
                () -> new RateLimitedLog(LoggerFactory.getLogger("x"), "x", 0, 1, clock::get));
        assertThrows(IllegalArgumentException.class,
                () -> new RateLimitedLog(LoggerFactory.getLogger("x"), "x", 1, 0, clock::get));
    }
}
