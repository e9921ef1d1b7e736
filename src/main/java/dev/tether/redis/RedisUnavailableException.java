package dev.tether.redis;

/** Redis cannot serve the request now: it is unreachable, or every connection is busy. Clients may retry. */
public class RedisUnavailableException extends RuntimeException {

    private final int retryAfterSeconds;

    public RedisUnavailableException(String message, int retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static RedisUnavailableException busy(String message) {
        return new RedisUnavailableException(message, 1, null);
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
