package dev.tether.redis;

import dev.tether.support.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.Supplier;

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

    /**
     * The gauges of one node of a cluster or Sentinel setup, tagged {@code node=host:port}: registered when the
     * health check first sees the node, and kept (a node that left the topology reads unreachable).
     */
    void node(String address, Supplier<RedisMonitor.NodeState> state) {
        Map<String, String> tag = Map.of("node", address);
        metrics.gauge("tether.redis.node.reachable", "1 while the node answers (the last health check), else 0", tag,
                () -> state.get().reachable() ? 1 : 0);
        metrics.gauge("tether.redis.node.master", "1 while the node is a master (primary), 0 for a replica: its role "
                + "as last seen", tag, () -> state.get().master() ? 1 : 0);
        metrics.gauge("tether.redis.node.pool.open", "open pooled connections to the node", tag,
                () -> connector.internals().poolStats(address).open());
        metrics.gauge("tether.redis.node.pool.active", "pooled connections to the node running a command", tag,
                () -> connector.internals().poolStats(address).active());
        metrics.gauge("tether.redis.node.pool.idle", "idle pooled connections to the node", tag,
                () -> connector.internals().poolStats(address).idle());
    }

    public void command(boolean failed) {
        commands.increment();
        if (failed) {
            errors.increment();
        }
    }
}
