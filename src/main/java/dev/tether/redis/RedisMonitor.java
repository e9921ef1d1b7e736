package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
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
                        ? new Status(true, "PING answered by " + settings.address(), System.currentTimeMillis())
                        : new Status(false, settings.address() + " unreachable: " + RedisErrors.describe(error),
                                System.currentTimeMillis())));
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
