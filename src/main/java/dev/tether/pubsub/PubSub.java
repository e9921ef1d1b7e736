package dev.tether.pubsub;

import dev.tether.redis.RedisConnector;
import dev.tether.redis.RedisMonitor;
import dev.tether.redis.RedisUnavailableException;
import dev.tether.support.Metrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;

/**
 * The instance's pub/sub: one {@link SharedTopic} per channel and per pattern, reference-counted by the streams that
 * name it, unsubscribed in Redis when the last one leaves. Redisson multiplexes every topic over its few pub/sub
 * connections ({@code tether.redis.subscriptions-per-connection} each). A one-second tick sends keep-alives, ends
 * streams past their lifetime, and tells subscribers when the health check sees Redis go down.
 */
@ApplicationScoped
public class PubSub {

    @Inject
    Config config;

    @Inject
    RedisConnector connector;

    @Inject
    RedisMonitor monitor;

    @Inject
    Metrics metrics;

    private PubSubSettings settings;
    private final Map<Topic, SharedTopic> topics = new ConcurrentHashMap<>();
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private Metrics.Counter queued;
    private Metrics.Counter dropped;
    private Metrics.Counter evicted;
    private ScheduledFuture<?> ticker;
    private boolean redisWasUp = true;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        PubSubSettings s = settings();
        metrics.gauge("tether.pubsub.subscribers", "open pub/sub streams", subscriptions::size);
        metrics.gauge("tether.pubsub.channels", "channels and patterns subscribed in Redis", topics::size);
        queued = metrics.counter("tether.pubsub.delivered", "events queued to subscribers");
        dropped = metrics.counter("tether.pubsub.dropped", "events discarded because their subscriber was too slow");
        evicted = metrics.counter("tether.pubsub.evictions", "subscribers closed as too slow");
        long period = Math.min(1000, s.keepAlive());
        ticker = connector.scheduler().scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    public PubSubSettings settings() {
        if (settings == null) {
            settings = PubSubSettings.from(config);
        }
        return settings;
    }

    /**
     * Opens a stream on {@code topics} (duplicates count once). Throws IllegalArgumentException for bad names or too
     * many topics, RedisUnavailableException (503) over the instance's limits or while Redis is down. The returned
     * subscription's {@link Subscription#ready()} says when the stream may start.
     */
    public Subscription open(List<Topic> requested, EventFormat format, StreamSink sink) {
        PubSubSettings s = settings();
        List<Topic> list = validate(requested, s);
        if (!monitor.reachable()) {
            throw new RedisUnavailableException("Redis is unreachable: " + monitor.status().detail(), 1, null);
        }
        if (admitted.incrementAndGet() > s.maxSubscribers()) {
            admitted.decrementAndGet();
            throw RedisUnavailableException.busy("too many subscribers on this instance (tether.pubsub.max-subscribers "
                    + s.maxSubscribers() + ")");
        }
        Subscription subscription = new Subscription(this, list, format, sink, s);
        subscriptions.add(subscription);
        List<SharedTopic> shared = new ArrayList<>(list.size());
        try {
            for (Topic topic : list) {
                shared.add(acquire(topic, s));
            }
        } catch (RuntimeException e) {
            shared.forEach(t -> release(t.topic));
            subscriptions.remove(subscription);
            admitted.decrementAndGet();
            throw e;
        }
        long timeout = connector.settings().timeout() + connector.settings().connectTimeout();
        CompletableFuture.allOf(shared.stream().map(SharedTopic::ready).toArray(CompletableFuture[]::new))
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        subscription.activate(shared);
                    } else {
                        subscription.fail(new RedisUnavailableException("Redis did not confirm the subscription within "
                                + timeout + " ms", 1, error));
                        subscription.close();
                    }
                });
        return subscription;
    }

    public int subscribers() {
        return subscriptions.size();
    }

    public int topics() {
        return topics.size();
    }

    /** The stream ended: leaves every topic, the last one out unsubscribes in Redis. */
    void release(Subscription subscription) {
        if (subscriptions.remove(subscription)) {
            detach(subscription);
            admitted.decrementAndGet();
            subscription.topics().forEach(this::release);
        }
    }

    void detach(Subscription subscription) {
        for (Topic topic : subscription.topics()) {
            SharedTopic shared = topics.get(topic);
            if (shared != null) {
                shared.detach(subscription);
            }
        }
    }

    void queued(int n) {
        queued.add(n);
    }

    void dropped(int events) {
        dropped.add(events);
        evicted.increment();
    }

    private SharedTopic acquire(Topic topic, PubSubSettings s) {
        if (!topics.containsKey(topic) && topics.size() >= s.maxTopics()) {
            throw RedisUnavailableException.busy("too many channels and patterns on this instance "
                    + "(tether.pubsub.max-channels " + s.maxTopics() + ")");
        }
        boolean[] created = new boolean[1];
        SharedTopic shared = topics.compute(topic, (key, existing) -> {
            SharedTopic t = existing != null ? existing : new SharedTopic(this, key);
            created[0] = existing == null;
            t.refs++;
            return t;
        });
        if (created[0]) {
            shared.start(connector.client());
        }
        return shared;
    }

    private void release(Topic topic) {
        topics.computeIfPresent(topic, (key, shared) -> {
            if (--shared.refs > 0) {
                return shared;
            }
            shared.stop();
            return null;
        });
    }

    private static List<Topic> validate(List<Topic> requested, PubSubSettings s) {
        if (requested.isEmpty()) {
            throw new IllegalArgumentException("no channel: name one in the path, e.g. /subscribe/news");
        }
        List<Topic> list = List.copyOf(new LinkedHashSet<>(requested));
        if (list.size() > s.maxTopicsPerStream()) {
            throw new IllegalArgumentException(list.size() + " channels in one stream, more than "
                    + s.maxTopicsPerStream() + " (tether.pubsub.max-channels-per-stream)");
        }
        for (Topic topic : list) {
            int bytes = topic.name().getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0) {
                throw new IllegalArgumentException("empty " + (topic.pattern() ? "pattern" : "channel") + " name");
            }
            if (bytes > s.maxNameBytes()) {
                throw new IllegalArgumentException((topic.pattern() ? "pattern" : "channel") + " name of " + bytes
                        + " bytes, more than " + s.maxNameBytes() + " (tether.pubsub.max-name-bytes)");
            }
        }
        return list;
    }

    private void tick() {
        long now = System.currentTimeMillis();
        RedisMonitor.Status status = monitor.status();
        if (redisWasUp && !status.up() && status.checkedAt() > 0) {
            topics.values().forEach(t -> t.lost(status.detail()));
        }
        redisWasUp = status.up() || status.checkedAt() == 0;
        PubSubSettings s = settings();
        for (Subscription subscription : subscriptions) {
            subscription.tick(now, s);
        }
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (Subscription subscription : subscriptions) {
            subscription.finish("the server is shutting down", false);
        }
    }
}
