package dev.tether.pubsub;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.redisson.api.RFuture;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.MessageListener;
import org.redisson.api.listener.PatternMessageListener;
import org.redisson.api.listener.PatternStatusListener;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * One Redis subscription (a channel or a pattern) shared by every local subscriber: two Redisson listeners (the
 * messages, and the subscribe confirmations, which Redisson repeats when it resubscribes after a reconnect), and the
 * set of subscribers it fans out to. Each message is encoded once per format, not once per subscriber.
 * Reference-counted by {@link PubSub}, which creates and stops it.
 */
final class SharedTopic {

    private static final Logger LOG = Logger.getLogger(SharedTopic.class.getName());

    final Topic topic;
    int refs; // guarded by PubSub's map entry
    private final PubSub hub;
    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private RTopic channel;
    private RPatternTopic pattern;
    private volatile List<Integer> listenerIds = List.of();
    private volatile boolean stopped;
    private volatile boolean lost;

    SharedTopic(PubSub hub, Topic topic) {
        this.hub = hub;
        this.topic = topic;
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    /** Subscribes in Redis (asynchronously); {@link #ready()} completes when Redis confirmed. */
    void start(RedissonClient client) {
        RFuture<Integer> messages;
        RFuture<Integer> status;
        if (topic.pattern()) {
            pattern = client.getPatternTopic(topic.name(), ByteArrayCodec.INSTANCE);
            messages = pattern.addListenerAsync(byte[].class,
                    (PatternMessageListener<byte[]>) (p, ch, msg) -> deliver(ch.toString(), msg));
            status = pattern.addListenerAsync(new PatternStatusListener() {
                @Override
                public void onPSubscribe(String name) {
                    confirmed();
                }

                @Override
                public void onPUnsubscribe(String name) {
                }
            });
        } else {
            // sharded: SSUBSCRIBE on the master of the channel's slot (Redisson follows it there)
            channel = topic.sharded() ? client.getShardedTopic(topic.name(), ByteArrayCodec.INSTANCE)
                    : client.getTopic(topic.name(), ByteArrayCodec.INSTANCE);
            messages = channel.addListenerAsync(byte[].class, (MessageListener<byte[]>) (ch, msg) -> deliver(null, msg));
            status = channel.addListenerAsync(new StatusListener() {
                @Override
                public void onSubscribe(String name) {
                    confirmed();
                }

                @Override
                public void onUnsubscribe(String name) {
                }
            });
        }
        messages.toCompletableFuture().thenCombine(status.toCompletableFuture(), List::of).whenComplete((ids, error) -> {
            if (error != null) {
                ready.completeExceptionally(error);
                return;
            }
            listenerIds = ids;
            if (stopped) {
                removeListeners(); // everyone left (or gave up) while Redis was confirming
            }
            ready.complete(null);
        });
    }

    /** Everyone left: unsubscribes in Redis once the listeners are known. */
    void stop() {
        stopped = true;
        if (ready.isDone()) {
            removeListeners();
        }
    }

    void attach(Subscription subscription) {
        subscribers.add(subscription);
    }

    void detach(Subscription subscription) {
        subscribers.remove(subscription);
    }

    int subscribers() {
        return subscribers.size();
    }

    /** Redis became unreachable: the subscribers hear of it; they hear again when Redisson has resubscribed. */
    void lost(String why) {
        lost = true;
        notice("Redis unreachable (" + why + "): this stream stays open and resubscribes when Redis is back; "
                + "messages published meanwhile are lost");
    }

    /** Redisson repeats the subscription on a new connection after a reconnect; the first confirmation precedes ready. */
    private void confirmed() {
        if (ready.isDone()) {
            lost = false;
            notice("resubscribed to " + (topic.pattern() ? "pattern " : topic.sharded() ? "shard channel " : "channel ")
                    + topic.name()
                    + " after a lost Redis connection; messages published meanwhile are lost");
        }
    }

    private void notice(String text) {
        EventFormat last = null;
        byte[] event = null;
        for (Subscription s : subscribers) {
            if (s.format() != last) {
                last = s.format();
                event = last.notice(text);
            }
            if (event.length > 0) {
                s.offer(event);
            }
        }
    }

    /** On Redisson's thread: encode once per format, queue to everyone. */
    private void deliver(String channelName, byte[] payload) {
        EventFormat last = null;
        byte[] event = null;
        int n = 0;
        for (Subscription s : subscribers) {
            if (s.format() != last) {
                last = s.format();
                event = topic.pattern() ? last.patternMessage(topic.name(), channelName, payload)
                        : last.message(topic.name(), payload);
            }
            s.offer(event);
            n++;
        }
        hub.queued(n);
    }

    private void removeListeners() {
        List<Integer> ids = listenerIds;
        if (ids.isEmpty()) {
            return;
        }
        Integer[] array = ids.toArray(new Integer[0]);
        (topic.pattern() ? pattern.removeListenerAsync(array) : channel.removeListenerAsync(array))
                .whenComplete((done, error) -> {
                    if (error != null) {
                        LOG.fine(() -> "unsubscribing " + topic + " failed: " + error);
                    }
                });
    }
}
