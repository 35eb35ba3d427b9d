package io.flowmasq.controller.nat;

/** One token bucket refilled from the caller's clock (milliseconds). */
final class TokenBucket {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double burst, long now) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token; false when the bucket is empty. */
    boolean tryAcquire(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * perSecond / 1000.0);
            last = now;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
