package io.flowmasq.controller.session;

import java.util.function.LongSupplier;

/** Milliseconds that move only when a test moves them. */
final class FakeClock implements LongSupplier {
    long now;

    FakeClock(long now) {
        this.now = now;
    }

    @Override
    public long getAsLong() {
        return now;
    }
}
