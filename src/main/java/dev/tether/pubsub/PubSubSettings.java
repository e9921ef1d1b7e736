package dev.tether.pubsub;

import static dev.tether.support.ConfigValues.nonNegativeLong;
import static dev.tether.support.ConfigValues.positiveLong;

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
                (int) positiveLong(config, "tether.pubsub.queue-messages", 1000),
                positiveLong(config, "tether.pubsub.queue-bytes", 1_048_576),
                positiveLong(config, "tether.pubsub.keep-alive", 15_000),
                nonNegativeLong(config, "tether.pubsub.max-lifetime", 3_600_000),
                positiveLong(config, "tether.pubsub.close-timeout", 10_000),
                (int) positiveLong(config, "tether.pubsub.max-subscribers", 10_000),
                (int) positiveLong(config, "tether.pubsub.max-channels", 10_000),
                (int) positiveLong(config, "tether.pubsub.max-channels-per-stream", 32),
                (int) positiveLong(config, "tether.pubsub.max-name-bytes", 1024));
    }


}
