package dev.tether.chat;

/**
 * A token bucket (rate per second, burst) that also counts consecutive refusals, so a client that keeps
 * flooding can be told apart from one that bursts once. Not thread-safe: one per connection, used from
 * its (sequential) message handler.
 */
final class RateLimiter {

    enum Verdict { ALLOW, REFUSE, ABUSE }

    private final double ratePerNano;
    private final int burst;
    private final int abuseAfter;
    private double tokens;
    private long last;
    private int refusedInARow;

    RateLimiter(double perSecond, int burst, int abuseAfter, long nowNanos) {
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
        this.abuseAfter = abuseAfter;
        this.tokens = burst;
        this.last = nowNanos;
    }

    Verdict take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * ratePerNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            refusedInARow = 0;
            return Verdict.ALLOW;
        }
        return ++refusedInARow > abuseAfter ? Verdict.ABUSE : Verdict.REFUSE;
    }
}
