package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.chat.RateLimiter.Verdict;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstThenTheSustainedRate() {
        RateLimiter limiter = new RateLimiter(20, 40, 40, 0);
        for (int i = 0; i < 40; i++) {
            assertEquals(Verdict.ALLOW, limiter.take(0), "message " + i);
        }
        assertEquals(Verdict.REFUSE, limiter.take(0));
        assertEquals(Verdict.ALLOW, limiter.take(SECOND / 20)); // one token back after 50 ms
        assertEquals(Verdict.REFUSE, limiter.take(SECOND / 20));
        int allowed = 0;
        for (long t = SECOND / 20; t <= 2 * SECOND; t += SECOND / 100) {
            allowed += limiter.take(t) == Verdict.ALLOW ? 1 : 0;
        }
        assertEquals(39, allowed, "20 per second over 1.95 s");
    }

    @Test
    void consecutiveRefusalsBecomeAbuseAndAnAcceptedMessageResetsThem() {
        RateLimiter limiter = new RateLimiter(1, 1, 3, 0);
        assertEquals(Verdict.ALLOW, limiter.take(0));
        assertEquals(Verdict.REFUSE, limiter.take(0));
        assertEquals(Verdict.REFUSE, limiter.take(0));
        assertEquals(Verdict.REFUSE, limiter.take(0));
        assertEquals(Verdict.ABUSE, limiter.take(0));
        RateLimiter other = new RateLimiter(1, 1, 3, 0);
        other.take(0);
        other.take(0);
        other.take(0);
        other.take(0);
        assertEquals(Verdict.ALLOW, other.take(SECOND));
        assertEquals(Verdict.REFUSE, other.take(SECOND));
        assertEquals(Verdict.REFUSE, other.take(SECOND));
        assertEquals(Verdict.REFUSE, other.take(SECOND));
        assertEquals(Verdict.ABUSE, other.take(SECOND));
    }
}
