package io.flowmasq.controller.session;

import java.util.function.LongSupplier;

/** Milliseconds that move only when a test moves them. */
final class FakeClock implements LongSupplier {
    volatile long now; // volatile: a concurrency test advances it from another thread

    FakeClock(long now) {
        this.now = now;
    }

    @Override
    public long getAsLong() {
        return now;
    }
}
