package dev.tether.chat;

import dev.tether.support.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Chat gauges: connections, rooms, messages in and out (totals and per second), slow-client evictions. */
@ApplicationScoped
public class ChatMetrics {

    @Inject
    Instance<ChatHub> hub;

    @Inject
    Metrics metrics;

    private Metrics.Counter in;
    private Metrics.Counter out;
    private Metrics.Counter evictions;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        metrics.gauge("tether.chat.connections", "open chat connections", () -> hub.get().connections());
        metrics.gauge("tether.chat.rooms", "rooms with at least one connection", () -> hub.get().rooms());
        in = metrics.counter("tether.chat.messages.in", "chat messages accepted from clients");
        out = metrics.counter("tether.chat.messages.out", "frames queued to clients");
        evictions = metrics.counter("tether.chat.evictions", "clients closed because their outbox was full");
    }

    void messageIn() {
        in.increment();
    }

    void messagesOut(int frames) {
        out.add(frames);
    }

    void eviction() {
        evictions.increment();
    }
}
