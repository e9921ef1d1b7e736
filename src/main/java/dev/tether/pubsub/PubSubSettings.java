package dev.tether.pubsub;

import org.eclipse.microprofile.config.Config;

/** Pub/sub limits and timings, read once from MicroProfile Config (listed in the README). Times in ms. */
public record PubSubSettings(
        int queueMessages,
        long queueBytes,
        long keepAlive,
        long maxLifetime,
        long closeTimeout,
        int maxSubscribers,
        int maxTopics,
        int maxTopicsPerStream,
        int maxNameBytes) {

    public static PubSubSettings from(Config config) {
        return new PubSubSettings(
                (int) positive(config, "tether.pubsub.queue-messages", 1000),
                positive(config, "tether.pubsub.queue-bytes", 1_048_576),
                positive(config, "tether.pubsub.keep-alive", 15_000),
                nonNegative(config, "tether.pubsub.max-lifetime", 3_600_000),
                positive(config, "tether.pubsub.close-timeout", 10_000),
                (int) positive(config, "tether.pubsub.max-subscribers", 10_000),
                (int) positive(config, "tether.pubsub.max-channels", 10_000),
                (int) positive(config, "tether.pubsub.max-channels-per-stream", 32),
                (int) positive(config, "tether.pubsub.max-name-bytes", 1024));
    }

    private static long positive(Config config, String name, long defaultValue) {
        long value = config.getOptionalValue(name, Long.class).orElse(defaultValue);
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    private static long nonNegative(Config config, String name, long defaultValue) {
        long value = config.getOptionalValue(name, Long.class).orElse(defaultValue);
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }
}
