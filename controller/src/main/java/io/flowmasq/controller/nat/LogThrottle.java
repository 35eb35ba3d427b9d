package io.flowmasq.controller.nat;

import java.util.HashMap;
import java.util.Map;

/**
 * At most one log line per key per interval: {@link #due} counts every event and says, once the interval
 * has passed since the key's last line, how many events that line stands for. Bounded in keys.
 */
final class LogThrottle<K> {
    private static final int MAX_KEYS = 4096;

    private final long intervalMillis;
    private final Map<K, long[]> state = new HashMap<>(); // {last logged at, events since}

    LogThrottle(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /** Counts one event of {@code key}; the number of events to report when a line is due now, else 0. */
    long due(K key, long now) {
        long[] s = state.get(key);
        if (s == null) {
            if (state.size() >= MAX_KEYS) {
                state.clear(); // a storm of distinct keys: forget, and log their first events again
            }
            s = new long[] {Long.MIN_VALUE, 0};
            state.put(key, s);
        }
        s[1]++;
        if (s[0] != Long.MIN_VALUE && now - s[0] < intervalMillis) {
            return 0;
        }
        return report(s, now);
    }

    /**
     * From a periodic tick: the events of {@code key} not reported yet, once the interval since its last line
     * is over (0 when none are due), so that the last events of a burst are not left unreported.
     */
    long overdue(K key, long now) {
        long[] s = state.get(key);
        if (s == null || s[1] == 0 || now - s[0] < intervalMillis) {
            return 0;
        }
        return report(s, now);
    }

    private static long report(long[] s, long now) {
        long events = s[1];
        s[0] = now;
        s[1] = 0;
        return events;
    }
}
