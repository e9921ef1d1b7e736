package dev.tether.support;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every feature's gauges and counters, published through MicroProfile Metrics (application registry,
 * /metrics?scope=application) where the server provides it (Payara). A server without it (WildFly 39) deploys the
 * same WAR and simply does not publish them: this class names no MP Metrics type, and {@link MpMetricsGauges} is
 * loaded only after checking that the API is there.
 */
@ApplicationScoped
public class Metrics {

    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());
    static final String MP_METRICS_API = "org.eclipse.microprofile.metrics.MetricRegistry";

    /** A gauge: name (MP Metrics style, dotted), description, tags (e.g. node=host:port; may be empty), value. */
    public record Gauge(String name, String description, Map<String, String> tags, Supplier<Number> value) {
    }

    /**
     * A running total and how much it grew in the last whole second, also added to the published counter at once
     * (a second LongAdder-style increment), so that /metrics is never behind what a client has seen.
     */
    public static final class Counter {
        private final LongAdder total = new LongAdder();
        private volatile long perSecond;
        private long last;
        private volatile LongConsumer published;

        public void increment() {
            total.increment();
            if (published != null) {
                published.accept(1);
            }
        }

        public void add(long n) {
            total.add(n);
            if (published != null) {
                published.accept(n);
            }
        }

        public long total() {
            return total.sum();
        }

        public long perSecond() {
            return perSecond;
        }

        private synchronized void tick() {
            long now = total.sum();
            perSecond = now - last;
            last = now;
        }
    }

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final List<Counter> counters = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> ticker;
    private Boolean published;

    public void gauge(String name, String description, Supplier<Number> value) {
        publish(new Gauge(name, description, Map.of(), value));
    }

    /** One gauge of a family told apart by tags, e.g. one per Redis node: {@code name{node="host:port"}}. */
    public void gauge(String name, String description, Map<String, String> tags, Supplier<Number> value) {
        publish(new Gauge(name, description, Map.copyOf(tags), value));
    }

    /**
     * A counter published as the counter {@code name} (exported as {@code name_total})
     * and the gauge {@code name.per-second}.
     */
    public synchronized Counter counter(String name, String description) {
        Counter counter = new Counter();
        if (available()) {
            try {
                counter.published = MpMetricsGauges.counter(name, description);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "MicroProfile Metrics is present but counter " + name + " could not be registered", e);
            }
        }
        counters.add(counter);
        gauge(name + ".per-second", description + ", in the last second", counter::perSecond);
        if (ticker == null) {
            ticker = scheduler.scheduleAtFixedRate(() -> counters.forEach(Counter::tick), 1, 1, TimeUnit.SECONDS);
        }
        return counter;
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    private synchronized boolean available() {
        if (published == null) {
            published = available(MP_METRICS_API);
            if (!published) {
                LOG.info("MicroProfile Metrics is not available on this server: Tether's gauges are not published");
            }
        }
        return published;
    }

    private synchronized void publish(Gauge gauge) {
        if (!available()) {
            return;
        }
        try {
            MpMetricsGauges.register(gauge);
        } catch (RuntimeException | LinkageError e) {
            published = false;
            LOG.log(Level.WARNING, "MicroProfile Metrics is present but Tether's gauges could not be registered", e);
        }
    }

    /** Whether the application can see {@code className} (through the server's modules or its own libraries). */
    static boolean available(String className) {
        try {
            Class.forName(className, false, Metrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
