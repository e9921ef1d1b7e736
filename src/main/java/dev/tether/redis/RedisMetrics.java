package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryType;

/** Pool and command metrics under /metrics (application registry): totals, per-second rates and pool gauges. */
@ApplicationScoped
public class RedisMetrics {

    @Inject
    RedisConnector connector;

    @Inject
    @RegistryType(type = MetricRegistry.Type.APPLICATION)
    MetricRegistry registry;

    private final LongAdder commands = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile long commandsPerSecond;
    private volatile long errorsPerSecond;
    private long lastCommands;
    private long lastErrors;
    private ScheduledFuture<?> ticker;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        gauge("tether.redis.pool.size", "configured pool size", () -> connector.settings().poolSize());
        gauge("tether.redis.pool.open", "open pooled connections", () -> connector.internals().poolStats().open());
        gauge("tether.redis.pool.active", "pooled connections running a command", () -> connector.internals().poolStats().active());
        gauge("tether.redis.pool.idle", "idle pooled connections", () -> connector.internals().poolStats().idle());
        gauge("tether.redis.pool.waiting", "requests waiting for a connection", () -> connector.pooled().waiting());
        gauge("tether.redis.commands.total", "commands sent", commands::sum);
        gauge("tether.redis.errors.total", "commands that failed (error replies and unavailability)", errors::sum);
        gauge("tether.redis.commands.per-second", "commands in the last second", () -> commandsPerSecond);
        gauge("tether.redis.errors.per-second", "failed commands in the last second", () -> errorsPerSecond);
        ticker = connector.scheduler().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    public void command(boolean failed) {
        commands.increment();
        if (failed) {
            errors.increment();
        }
    }

    private synchronized void tick() {
        long c = commands.sum();
        long e = errors.sum();
        commandsPerSecond = c - lastCommands;
        errorsPerSecond = e - lastErrors;
        lastCommands = c;
        lastErrors = e;
    }

    private void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), value);
    }
}
