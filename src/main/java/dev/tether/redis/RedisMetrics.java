package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pool and command metrics: totals, per-second rates and pool gauges. They are published through MicroProfile
 * Metrics (application registry, /metrics?scope=application) where the server provides it (Payara); a server
 * without it (WildFly 39) deploys the same WAR and simply does not publish them. This class names no MP Metrics
 * type, so it loads on every server; {@link MpMetricsGauges} is only loaded after checking that the API is there.
 */
@ApplicationScoped
public class RedisMetrics {

    private static final Logger LOG = Logger.getLogger(RedisMetrics.class.getName());
    static final String MP_METRICS_API = "org.eclipse.microprofile.metrics.MetricRegistry";

    /** A gauge: name (MP Metrics style, dotted), description, value. */
    public record Gauge(String name, String description, Supplier<Number> value) {
    }

    @Inject
    RedisConnector connector;

    private final LongAdder commands = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile long commandsPerSecond;
    private volatile long errorsPerSecond;
    private long lastCommands;
    private long lastErrors;
    private ScheduledFuture<?> ticker;
    private volatile String publishedBy = "none";

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (available(MP_METRICS_API)) {
            try {
                MpMetricsGauges.register(gauges());
                publishedBy = "MicroProfile Metrics";
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "MicroProfile Metrics is present but the Tether gauges could not be registered", e);
            }
        } else {
            LOG.info("MicroProfile Metrics is not available on this server: Tether's pool and command gauges are not published");
        }
        ticker = connector.scheduler().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** The gauges, in a fixed order. */
    public Map<String, Gauge> gauges() {
        Map<String, Gauge> g = new LinkedHashMap<>();
        add(g, "tether.redis.pool.size", "configured pool size", () -> connector.settings().poolSize());
        add(g, "tether.redis.pool.open", "open pooled connections", () -> connector.internals().poolStats().open());
        add(g, "tether.redis.pool.active", "pooled connections running a command", () -> connector.internals().poolStats().active());
        add(g, "tether.redis.pool.idle", "idle pooled connections", () -> connector.internals().poolStats().idle());
        add(g, "tether.redis.pool.waiting", "requests waiting for a connection", () -> connector.pooled().waiting());
        add(g, "tether.redis.commands.total", "commands sent", commands::sum);
        add(g, "tether.redis.errors.total", "commands that failed (error replies and unavailability)", errors::sum);
        add(g, "tether.redis.commands.per-second", "commands in the last second", () -> commandsPerSecond);
        add(g, "tether.redis.errors.per-second", "failed commands in the last second", () -> errorsPerSecond);
        return g;
    }

    /** "MicroProfile Metrics" when the gauges are published, else "none". */
    public String publishedBy() {
        return publishedBy;
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

    private static void add(Map<String, Gauge> gauges, String name, String description, Supplier<Number> value) {
        gauges.put(name, new Gauge(name, description, value));
    }

    /** Whether the application can see {@code className} (through the server's modules or its own libraries). */
    static boolean available(String className) {
        try {
            Class.forName(className, false, RedisMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
