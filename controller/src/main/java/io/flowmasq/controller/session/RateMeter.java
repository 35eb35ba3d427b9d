package io.flowmasq.controller.session;

import java.util.function.LongSupplier;

/**
 * The rate of a monotonic counter over the last few seconds: {@link #sample} is called once a second (by
 * the controller's scheduler) and keeps a short ring of readings; {@link #perSecond} may be read from any
 * thread.
 */
public final class RateMeter {
    private final LongSupplier counter;
    private final LongSupplier clock;
    private final long[] values;
    private final long[] times;
    private int next;
    private int filled;
    private volatile double perSecond;

    public RateMeter(LongSupplier counter, LongSupplier clock, int window) {
        if (window < 2) {
            throw new IllegalArgumentException("window must be at least 2 samples: " + window);
        }
        this.counter = counter;
        this.clock = clock;
        this.values = new long[window];
        this.times = new long[window];
    }

    public synchronized void sample() {
        values[next] = counter.getAsLong();
        times[next] = clock.getAsLong();
        int newest = next;
        next = (next + 1) % values.length;
        filled = Math.min(filled + 1, values.length);
        int oldest = filled < values.length ? 0 : next;
        long dt = times[newest] - times[oldest];
        perSecond = dt <= 0 ? 0 : (values[newest] - values[oldest]) * 1000.0 / dt;
    }

    public double perSecond() {
        return perSecond;
    }
}
