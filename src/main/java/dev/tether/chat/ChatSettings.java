package dev.tether.chat;

import static dev.tether.support.ConfigValues.nonNegative;
import static dev.tether.support.ConfigValues.positive;
import static dev.tether.support.ConfigValues.positiveLong;

import dev.tether.support.ConfigValues;
import java.util.List;
import org.eclipse.microprofile.config.Config;

/** Chat limits and timings, read once from MicroProfile Config (listed in the README). Times in ms. */
public record ChatSettings(
        int outboxMessages,
        long outboxBytes,
        long pingInterval,
        long pongTimeout,
        long sendTimeout,
        int maxTextLength,
        int maxFrameBytes,
        double ratePerSecond,
        int rateBurst,
        int floodCloseAfter,
        int maxConnectionsPerAddress,
        List<String> allowedOrigins,
        int historySize,
        int streamMaxLength,
        int presenceInterval,
        int roomQueue,
        long feedBlock,
        long presenceSync,
        long instanceExpiry,
        long roomExpiry,
        long clusterPoll,
        int mergeWindow) {

    public static ChatSettings from(Config config) {
        int maxText = positive(config, "tether.chat.max-text-length", 4096);
        return new ChatSettings(
                positive(config, "tether.chat.outbox-messages", 256),
                positive(config, "tether.chat.outbox-bytes", 1_048_576),
                positive(config, "tether.chat.ping-interval", 25_000),
                positive(config, "tether.chat.pong-timeout", 60_000),
                positive(config, "tether.chat.send-timeout", 10_000),
                maxText,
                positive(config, "tether.chat.max-frame-bytes", maxText * 4 + 256),
                positive(config, "tether.chat.rate-per-second", 20),
                positive(config, "tether.chat.rate-burst", 40),
                positive(config, "tether.chat.flood-close-after", 40),
                positive(config, "tether.chat.max-connections-per-address", 10_000),
                config.getOptionalValue("tether.chat.allowed-origins", String.class)
                        .map(ConfigValues::items)
                        .orElse(List.of()),
                positive(config, "tether.chat.history-size", 50),
                positive(config, "tether.chat.stream-max-length", 1000),
                positive(config, "tether.chat.presence-interval", 100),
                positive(config, "tether.chat.room-queue", 1000),
                positive(config, "tether.chat.feed-block", 2000),
                positive(config, "tether.chat.presence-sync", 1000),
                positive(config, "tether.chat.instance-expiry", 30_000),
                positiveLong(config, "tether.chat.room-expiry", 7L * 24 * 3600 * 1000),
                positive(config, "tether.chat.cluster-poll", 10),
                nonNegative(config, "tether.chat.merge-window", 2));
    }

}
