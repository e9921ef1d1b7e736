package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Pings Redis on a schedule and remembers whether it answered, for readiness and logs. */
@ApplicationScoped
public class RedisMonitor {

    private static final Logger LOG = Logger.getLogger(RedisMonitor.class.getName());

    @Inject
    RedisConnector connector;

    @Inject
    @ConfigProperty(name = "tether.redis.health-interval", defaultValue = "1000")
    long intervalMillis;

    private volatile Status status = new Status(false, "not checked yet", 0);
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

    private void check() {
        RedisSettings settings = connector.settings();
        try {
            connector.internals().run("PING", new Object[0])
                    .toCompletableFuture()
                    .orTimeout(settings.timeout(), TimeUnit.MILLISECONDS)
                    .whenComplete((reply, error) -> record(error == null
                            ? new Status(true, "PING answered by " + settings.safeAddress(), System.currentTimeMillis())
                            : new Status(false, settings.safeAddress() + " unreachable: " + RedisErrors.describe(error),
                                    System.currentTimeMillis())));
        } catch (RuntimeException e) {
            record(new Status(false, RedisErrors.describe(e), System.currentTimeMillis()));
        }
    }

    private void record(Status next) {
        Status previous = status;
        status = next;
        if (previous.up() != next.up()) {
            LOG.info(() -> "Redis is " + (next.up() ? "up" : "down") + ": " + next.detail());
        }
    }
}
