package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Pings Redis on a schedule over a fresh connection (so a half-open pooled connection cannot fake an outage)
 * and remembers whether it answered. Readiness reports it; while it says "down", requests fail fast with 503
 * instead of each waiting for a timeout.
 */
@ApplicationScoped
public class RedisMonitor {

    private static final Logger LOG = Logger.getLogger(RedisMonitor.class.getName());

    @Inject
    RedisConnector connector;

    @Inject
    @ConfigProperty(name = "tether.redis.health-interval", defaultValue = "500")
    long intervalMillis;

    private volatile Status status = new Status(false, "not checked yet", 0);
    private final java.util.concurrent.atomic.AtomicLong started = new java.util.concurrent.atomic.AtomicLong();
    private long recorded;
    private ScheduledFuture<?> task;

    public record Status(boolean up, String detail, long checkedAt) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        task = connector.scheduler().scheduleWithFixedDelay(this::check, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    public Status status() {
        return status;
    }

    /** False only after a check failed: before the first check requests go through. */
    public boolean reachable() {
        Status now = status;
        return now.up() || now.checkedAt() == 0;
    }

    private void check() {
        long sequence = started.incrementAndGet();
        RedisSettings settings = connector.settings();
        if (settings.mode() == RedisSettings.Mode.CLUSTER) {
            checkCluster(sequence, settings);
            return;
        }
        CompletionStage<Reply> ping;
        try {
            ping = connector.internals().openDedicated().thenCompose(connection ->
                    RedisInternals.run(connection, "PING", new Object[0], settings.timeout())
                            .whenComplete((reply, error) -> connection.closeAsync()));
        } catch (IllegalStateException noMasterYet) {
            ping = connector.internals().run("PING", new Object[0]); // the first command sets the client up
        } catch (RuntimeException | LinkageError e) {
            // logged with its cause: an Error escaping a scheduled task would end the checks without a word
            LOG.log(Level.WARNING, "the Redis health check could not run", e);
            ping = CompletableFuture.failedFuture(e);
        }
        ping.toCompletableFuture()
                .orTimeout(settings.timeout() + settings.connectTimeout(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, error) -> record(sequence, error == null
                        ? new Status(true, "PING answered by " + master(settings), System.currentTimeMillis())
                        : new Status(false, master(settings) + " unreachable: " + RedisErrors.describe(error),
                                System.currentTimeMillis())));
    }

    /**
     * A cluster is ready when every master Redisson knows answers CLUSTER INFO on a fresh connection with
     * {@code cluster_state:ok}: Redis itself refuses keys (CLUSTERDOWN) otherwise.
     */
    private void checkCluster(long sequence, RedisSettings settings) {
        List<RedisInternals.Node> masters;
        try {
            masters = connector.internals().masters();
        } catch (RuntimeException e) {
            masters = List.of();
        }
        if (masters.isEmpty()) {
            CompletionStage<Reply> first = connector.internals().run("PING", new Object[0]); // sets the client up
            first.toCompletableFuture().orTimeout(settings.timeout() + settings.connectTimeout(), TimeUnit.MILLISECONDS)
                    .whenComplete((r, e) -> record(sequence, new Status(false, settings.describe() + ": "
                            + (e == null ? "no master known yet" : RedisErrors.describe(e)), System.currentTimeMillis())));
            return;
        }
        List<CompletableFuture<String>> checks = new ArrayList<>();
        for (RedisInternals.Node node : masters) {
            checks.add(node.open().thenCompose(connection ->
                            RedisInternals.run(connection, "CLUSTER", new Object[] {"INFO"}, settings.timeout())
                                    .whenComplete((reply, error) -> connection.closeAsync()))
                    .toCompletableFuture()
                    .orTimeout(settings.timeout() + settings.connectTimeout(), TimeUnit.MILLISECONDS)
                    .handle((reply, error) -> {
                        if (error != null) {
                            return node.address() + " unreachable: " + RedisErrors.describe(error);
                        }
                        String info = reply instanceof Reply.Bulk bulk
                                ? new String(bulk.bytes(), java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(reply);
                        return info.contains("cluster_state:ok") ? null : node.address() + " reports cluster_state "
                                + info.replaceAll("(?s).*cluster_state:(\\w+).*", "$1");
                    }));
        }
        List<RedisInternals.Node> known = masters;
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            List<String> problems = checks.stream().map(CompletableFuture::join).filter(p -> p != null).toList();
            record(sequence, problems.isEmpty()
                    ? new Status(true, "cluster_state ok on " + known.size() + " masters ("
                            + known.stream().map(RedisInternals.Node::address).collect(Collectors.joining(", ")) + ")",
                            System.currentTimeMillis())
                    : new Status(false, String.join("; ", problems), System.currentTimeMillis()));
        });
    }

    /** The address, or with Sentinel the primary Redisson follows now. */
    private String master(RedisSettings settings) {
        if (settings.mode() != RedisSettings.Mode.SENTINEL) {
            return settings.address();
        }
        try {
            List<RedisInternals.Node> masters = connector.internals().masters();
            return "primary " + (masters.isEmpty() ? "?" : masters.get(0).address()) + " of "
                    + settings.sentinelMaster().orElse("?");
        } catch (RuntimeException e) {
            return settings.describe();
        }
    }

    /** Checks overlap when Redis is slow; only a newer check's result replaces an older one. */
    private synchronized void record(long sequence, Status next) {
        if (sequence < recorded) {
            return;
        }
        recorded = sequence;
        Status previous = status;
        status = next;
        if (previous.up() != next.up()) {
            LOG.info(() -> "Redis is " + (next.up() ? "up" : "down") + ": " + next.detail());
        }
    }
}
