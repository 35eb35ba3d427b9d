package io.flowmasq.controller.nat;

import java.util.HashMap;
import java.util.Map;

/** Token buckets per key (e.g. inside host), refilled from the caller's clock; bounded in keys. */
final class RateLimiter<K> {
    private static final int MAX_KEYS = 65_536;

    private final double perSecond;
    private final double burst;
    private final Map<K, double[]> buckets = new HashMap<>(); // {tokens, last refill ms}

    RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one token for {@code key}; false when its bucket is empty. */
    boolean tryAcquire(K key, long now) {
        double[] b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= MAX_KEYS) {
                buckets.clear(); // forget idle hosts rather than grow without bound
            }
            b = new double[] {burst, now};
            buckets.put(key, b);
        }
        b[0] = Math.min(burst, b[0] + (now - b[1]) * perSecond / 1000.0);
        b[1] = now;
        if (b[0] < 1) {
            return false;
        }
        b[0] -= 1;
        return true;
    }
}
