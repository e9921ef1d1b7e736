package dev.tether.pubsub;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One stream: its topics and a bounded queue of encoded events (messages and bytes), filled on Redisson's threads
 * and drained by the transport's writer through {@link #poll()}. A subscriber that lets the queue overflow is
 * finished with a final event saying why; nobody else notices. The transport calls {@link #close()} when the
 * stream ends for any reason.
 */
public final class Subscription {

    private final PubSub hub;
    private final List<Topic> topics;
    private final EventFormat format;
    private final StreamSink sink;
    private final int maxMessages;
    private final long maxBytes;
    private final long openedAt = System.currentTimeMillis();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long bytes;
    private long lastQueued = openedAt;
    private long finishedAt;
    private boolean live;
    private boolean finishing;
    private boolean closed;

    Subscription(PubSub hub, List<Topic> topics, EventFormat format, StreamSink sink, PubSubSettings settings) {
        this.hub = hub;
        this.topics = topics;
        this.format = format;
        this.sink = sink;
        this.maxMessages = settings.queueMessages();
        this.maxBytes = settings.queueBytes();
    }

    public List<Topic> topics() {
        return topics;
    }

    EventFormat format() {
        return format;
    }

    /**
     * Completes once Redis confirmed every topic and the confirmations are queued; fails (RedisUnavailableException)
     * when Redis could not subscribe in time. Completes on Redisson's or the scheduler's thread.
     */
    public CompletionStage<Void> ready() {
        return ready;
    }

    /** The next event to write, or null when the queue is empty. */
    public synchronized byte[] poll() {
        byte[] event = queue.poll();
        if (event != null) {
            bytes -= event.length;
        }
        return event;
    }

    /** True once the server finished the stream and its last event was taken: the transport ends the stream. */
    public synchronized boolean done() {
        return finishing && queue.isEmpty();
    }

    /** The transport's stream ended (client gone, written out, aborted): leaves every topic. Idempotent. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            finishing = true;
            queue.clear();
            bytes = 0;
        }
        hub.release(this);
    }

    /** Queues the confirmations, then attaches to the topics: no message can precede its confirmation. */
    void activate(List<SharedTopic> shared) {
        boolean wake;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (int i = 0; i < topics.size(); i++) {
                add(format.subscribed(topics.get(i), i + 1));
            }
            for (SharedTopic topic : shared) {
                topic.attach(this);
            }
            live = true;
            wake = !finishing;
        }
        ready.complete(null);
        if (wake) {
            sink.wake();
        }
    }

    void fail(Throwable failure) {
        ready.completeExceptionally(failure);
    }

    /** Queues one event; on overflow the subscriber is finished as too slow. Runs on Redisson's threads. */
    void offer(byte[] event) {
        boolean wake;
        synchronized (this) {
            if (finishing || !live) {
                return;
            }
            if (queue.size() >= maxMessages || bytes + event.length > maxBytes) {
                int lost = queue.size() + 1;
                finishLocked("too slow: more than " + maxMessages + " messages or " + maxBytes
                        + " bytes waiting (tether.pubsub.queue-messages, tether.pubsub.queue-bytes)", true);
                hub.dropped(lost);
                wake = true;
            } else {
                wake = queue.isEmpty();
                add(event);
                lastQueued = System.currentTimeMillis();
            }
        }
        if (wake) {
            sink.wake();
        }
    }

    /** Ends the stream from the server side: the final event after what is queued (or instead of it). */
    void finish(String reason, boolean discardQueued) {
        synchronized (this) {
            if (finishing) {
                return;
            }
            finishLocked(reason, discardQueued);
        }
        sink.wake();
    }

    /** Housekeeping from the hub's tick: keep-alive, lifetime, a final event nobody reads. */
    void tick(long now, PubSubSettings settings) {
        boolean abort = false;
        synchronized (this) {
            if (closed || !live) {
                return;
            }
            if (finishing) {
                abort = now - finishedAt > settings.closeTimeout();
            }
        }
        if (abort) {
            sink.abort();
            close();
        } else if (settings.maxLifetime() > 0 && now - openedAt >= settings.maxLifetime()) {
            finish("maximum stream lifetime of " + settings.maxLifetime() + " ms reached (tether.pubsub.max-lifetime)", false);
        } else if (now - lastQueued() >= settings.keepAlive()) {
            offer(format.keepAlive());
        }
    }

    private synchronized long lastQueued() {
        return lastQueued;
    }

    private void finishLocked(String reason, boolean discardQueued) {
        if (discardQueued) {
            queue.clear();
            bytes = 0;
        }
        finishing = true;
        finishedAt = System.currentTimeMillis();
        add(format.closing(topics, reason));
        hub.detach(this);
    }

    private void add(byte[] event) {
        queue.add(event);
        bytes += event.length;
    }
}
