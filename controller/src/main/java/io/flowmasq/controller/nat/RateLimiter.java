package io.flowmasq.controller.nat;

import java.util.HashMap;
import java.util.Map;

/** Token buckets per key (e.g. inside host), refilled from the caller's clock; bounded in keys. */
final class RateLimiter<K> {
    private static final int MAX_KEYS = 65_536;

    private final double perSecond;
    private final double burst;
    private final Map<K, TokenBucket> buckets = new HashMap<>();

    RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one token for {@code key}; false when its bucket is empty. */
    boolean tryAcquire(K key, long now) {
        TokenBucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= MAX_KEYS) {
                buckets.clear(); // forget idle hosts rather than grow without bound
            }
            b = new TokenBucket(perSecond, burst, now);
            buckets.put(key, b);
        }
        return b.tryAcquire(now);
    }
}
