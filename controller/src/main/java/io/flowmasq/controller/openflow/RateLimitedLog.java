package io.flowmasq.controller.openflow;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Bounds one kind of log line: the first {@code perInterval} events of each interval are logged, the
 * rest only counted, and the next logged event is preceded by a summary "suppressed K". Hostile input
 * (a fuzzer, a broken switch) would otherwise write a line per message. The counters keep the totals.
 * One instance per kind of event and connection; safe from any thread.
 */
public final class RateLimitedLog {
    public static final int DEFAULT_PER_INTERVAL = 10;
    public static final long DEFAULT_INTERVAL_SECONDS = 10;

    private final Logger log;
    private final String what;
    private final int perInterval;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long intervalStart;
    private int logged;
    private long suppressed;
    private boolean started;

    /** At most {@value #DEFAULT_PER_INTERVAL} lines per {@value #DEFAULT_INTERVAL_SECONDS} s. */
    public RateLimitedLog(Logger log, String what) {
        this(log, what, DEFAULT_PER_INTERVAL, TimeUnit.SECONDS.toNanos(DEFAULT_INTERVAL_SECONDS), System::nanoTime);
    }

    public RateLimitedLog(Logger log, String what, int perInterval, long intervalNanos, LongSupplier nanoClock) {
        if (perInterval < 1 || intervalNanos <= 0) {
            throw new IllegalArgumentException("perInterval " + perInterval + ", intervalNanos " + intervalNanos);
        }
        this.log = requireNonNull(log, "log");
        this.what = requireNonNull(what, "what");
        this.perInterval = perInterval;
        this.intervalNanos = intervalNanos;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Whether this event may be logged now. When it may and earlier ones were suppressed, their number
     * is logged first (at WARN).
     */
    public synchronized boolean permit() {
        long now = nanoClock.getAsLong();
        if (!started || now - intervalStart >= intervalNanos) {
            started = true;
            intervalStart = now;
            logged = 0;
        }
        if (logged >= perInterval) {
            suppressed++;
            return false;
        }
        logged++;
        if (suppressed > 0) {
            log.warn("suppressed {} more {} since the last one logged", suppressed, what);
            suppressed = 0;
        }
        return true;
    }

    /** Events counted but not logged since the last summary. */
    public synchronized long suppressed() {
        return suppressed;
    }
}
