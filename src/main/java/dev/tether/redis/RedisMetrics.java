package dev.tether.redis;

import dev.tether.support.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Pool and command metrics: pool gauges, commands and failed commands (totals and per second). */
@ApplicationScoped
public class RedisMetrics {

    @Inject
    RedisConnector connector;

    @Inject
    Metrics metrics;

    private Metrics.Counter commands;
    private Metrics.Counter errors;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        metrics.gauge("tether.redis.pool.size", "configured pool size", () -> connector.settings().poolSize());
        metrics.gauge("tether.redis.pool.open", "open pooled connections", () -> connector.internals().poolStats().open());
        metrics.gauge("tether.redis.pool.active", "pooled connections running a command",
                () -> connector.internals().poolStats().active());
        metrics.gauge("tether.redis.pool.idle", "idle pooled connections", () -> connector.internals().poolStats().idle());
        metrics.gauge("tether.redis.pool.waiting", "requests waiting for a connection", () -> connector.pooled().waiting());
        metrics.gauge("tether.redis.masters", "masters commands go to (1 unless a cluster)",
                () -> {
                    try {
                        return connector.internals().masters().size();
                    } catch (RuntimeException notConnectedYet) {
                        return 0;
                    }
                });
        commands = metrics.counter("tether.redis.commands", "commands sent");
        errors = metrics.counter("tether.redis.errors", "commands that failed (error replies and unavailability)");
    }

    public void command(boolean failed) {
        commands.increment();
        if (failed) {
            errors.increment();
        }
    }
}
