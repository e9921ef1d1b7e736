package dev.tether.redis;

import static dev.tether.support.ConfigValues.nonNegative;
import static dev.tether.support.ConfigValues.positive;

import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The Redis connection settings, read once from MicroProfile Config (see the README for each property).
 * {@code address} is the URL without credentials or database: what Redisson connects to, and what logs show.
 */
public record RedisSettings(
        String url,
        String address,
        int poolSize,
        int minIdle,
        int pingInterval,
        int timeout,
        int connectTimeout,
        int acquireTimeout,
        int maxQueue,
        int reconnectMaxDelay,
        int dedicatedPoolSize,
        int nettyThreads,
        int threads,
        Optional<String> configFile,
        int subscriptionsPerConnection) {

    public static RedisSettings from(Config config) {
        int poolSize = positive(config, "tether.redis.pool-size", 16);
        int cores = Runtime.getRuntime().availableProcessors();
        String url = config.getOptionalValue("tether.redis.url", String.class).orElse("redis://127.0.0.1:6379");
        URI uri = URI.create(url);
        return new RedisSettings(
                url,
                uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()),
                poolSize,
                Math.min(poolSize, nonNegative(config, "tether.redis.min-idle", Math.min(poolSize, 4))),
                nonNegative(config, "tether.redis.ping-interval", 30_000),
                positive(config, "tether.redis.timeout", 1_000),
                positive(config, "tether.redis.connect-timeout", 1_000),
                nonNegative(config, "tether.redis.acquire-timeout", 1_000),
                nonNegative(config, "tether.redis.max-queue", 10_000),
                positive(config, "tether.redis.reconnect-max-delay", 500),
                positive(config, "tether.redis.dedicated-pool-size", 8),
                positive(config, "tether.redis.netty-threads", cores),
                positive(config, "tether.redis.threads", cores),
                config.getOptionalValue("tether.redis.config-file", String.class).filter(s -> !s.isBlank()),
                positive(config, "tether.redis.subscriptions-per-connection", 2500));
    }


}
