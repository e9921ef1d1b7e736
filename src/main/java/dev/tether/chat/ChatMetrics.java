package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryType;

/** Chat gauges under /metrics (application registry): connections, rooms, message rates, slow-client evictions. */
@ApplicationScoped
public class ChatMetrics {

    @Inject
    RedisConnector connector;

    @Inject
    Instance<ChatHub> hub;

    @Inject
    @RegistryType(type = MetricRegistry.Type.APPLICATION)
    MetricRegistry registry;

    private final LongAdder in = new LongAdder();
    private final LongAdder out = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private volatile long inPerSecond;
    private volatile long outPerSecond;
    private long lastIn;
    private long lastOut;
    private ScheduledFuture<?> ticker;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        gauge("tether.chat.connections", "open chat connections", () -> hub.get().connections());
        gauge("tether.chat.rooms", "rooms with at least one connection", () -> hub.get().rooms());
        gauge("tether.chat.messages.in.total", "chat messages accepted from clients", in::sum);
        gauge("tether.chat.messages.out.total", "frames queued to clients", out::sum);
        gauge("tether.chat.messages.in.per-second", "chat messages accepted in the last second", () -> inPerSecond);
        gauge("tether.chat.messages.out.per-second", "frames queued to clients in the last second", () -> outPerSecond);
        gauge("tether.chat.evictions.total", "clients closed because their outbox was full", evictions::sum);
        ticker = connector.scheduler().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    void messageIn() {
        in.increment();
    }

    void messageOut() {
        out.increment();
    }

    void eviction() {
        evictions.increment();
    }

    private synchronized void tick() {
        long i = in.sum();
        long o = out.sum();
        inPerSecond = i - lastIn;
        outPerSecond = o - lastOut;
        lastIn = i;
        lastOut = o;
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), value);
    }
}
