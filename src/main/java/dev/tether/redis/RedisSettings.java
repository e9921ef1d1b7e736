package dev.tether.redis;

import static dev.tether.support.ConfigValues.nonNegative;
import static dev.tether.support.ConfigValues.positive;

import dev.tether.support.ConfigValues;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The Redis connection settings, read once from MicroProfile Config (see the README for each property).
 * {@code address} is the URL without credentials or database: what Redisson connects to, and what logs show.
 * In {@code cluster} and {@code sentinel} mode {@code nodes} are the seed addresses (cluster nodes or sentinels),
 * with the URL's scheme when they name none; credentials and TLS still come from {@code url}.
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
        int subscriptionsPerConnection,
        Mode mode,
        List<String> nodes,
        Optional<String> sentinelMaster) {

    /** The topology behind {@code tether.redis.mode}. */
    public enum Mode { SINGLE, CLUSTER, SENTINEL }

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
                positive(config, "tether.redis.subscriptions-per-connection", 2500),
                mode(config),
                nodes(config, uri.getScheme()),
                config.getOptionalValue("tether.redis.sentinel-master", String.class).filter(s -> !s.isBlank()));
    }

    /** The URL's user ("" when it names none), password and database: what every connection authenticates with. */
    public record Credentials(String user, String password) {
    }

    /** The URL's credentials, if it has any ({@code redis://user:password@…} or {@code redis://:password@…}). */
    public Optional<Credentials> credentials() {
        String userInfo = URI.create(url).getRawUserInfo();
        if (userInfo == null) {
            return Optional.empty();
        }
        int colon = userInfo.indexOf(':');
        return Optional.of(new Credentials(colon < 0 ? "" : decode(userInfo.substring(0, colon)),
                decode(colon < 0 ? userInfo : userInfo.substring(colon + 1))));
    }

    /** The URL's database ({@code redis://host:port/3}), if it names one. */
    public Optional<Integer> database() {
        String path = URI.create(url).getPath();
        return path != null && path.length() > 1 ? Optional.of(Integer.parseInt(path.substring(1))) : Optional.empty();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What logs and readiness show: the one address, or the seed nodes. */
    public String describe() {
        return mode == Mode.SINGLE ? address : mode.name().toLowerCase(Locale.ROOT) + " " + String.join(",", nodes);
    }

    private static Mode mode(Config config) {
        String mode = config.getOptionalValue("tether.redis.mode", String.class).orElse("single").trim();
        try {
            return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tether.redis.mode must be single, cluster or sentinel, got " + mode);
        }
    }

    private static List<String> nodes(Config config, String scheme) {
        String nodes = config.getOptionalValue("tether.redis.nodes", String.class).orElse("");
        return ConfigValues.items(nodes).stream()
                .map(n -> n.contains("://") ? n : scheme + "://" + n)
                .toList();
    }

    /** The settings that must go together, checked at deployment. */
    RedisSettings checked() {
        if (mode != Mode.SINGLE && configFile.isEmpty() && nodes.isEmpty()) {
            throw new IllegalArgumentException("tether.redis.mode " + mode.name().toLowerCase(Locale.ROOT)
                    + " needs tether.redis.nodes (comma-separated seed addresses)");
        }
        if (mode == Mode.SENTINEL && configFile.isEmpty() && sentinelMaster.isEmpty()) {
            throw new IllegalArgumentException("tether.redis.mode sentinel needs tether.redis.sentinel-master");
        }
        return this;
    }
}
