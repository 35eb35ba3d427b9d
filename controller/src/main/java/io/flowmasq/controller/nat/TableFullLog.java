package io.flowmasq.controller.nat;

/**
 * Bounds the warnings about a full flow table: while the table stays full every new flow is refused, and a
 * line each would flood the log. The first refusal is reported at once, later ones at most once every
 * {@link #INTERVAL_MS}, with how many there were since the last report; refusals left unreported when they
 * stop are reported from the tick once the interval is over.
 */
final class TableFullLog {
    static final long INTERVAL_MS = 5_000;

    private long lastReport = Long.MIN_VALUE;
    private int unreported;

    /** Counts one refusal; returns how many to report now (this one included), or 0 to stay quiet. */
    int refused(long now) {
        unreported++;
        if (lastReport != Long.MIN_VALUE && now - lastReport < INTERVAL_MS) {
            return 0;
        }
        lastReport = now;
        int n = unreported;
        unreported = 0;
        return n;
    }

    /** From the tick: refusals not reported yet, once the interval is over (0 when none are due). */
    int due(long now) {
        if (unreported == 0 || now - lastReport < INTERVAL_MS) {
            return 0;
        }
        lastReport = now;
        int n = unreported;
        unreported = 0;
        return n;
    }
}
