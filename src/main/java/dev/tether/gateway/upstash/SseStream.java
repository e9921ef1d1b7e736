package dev.tether.gateway.upstash;

import dev.tether.pubsub.StreamSink;
import dev.tether.pubsub.Subscription;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a subscription's queue to an asynchronous response with servlet non-blocking I/O: no thread is held
 * while the stream is idle or its client is slow. One drain at a time ({@code pending} counts wake-ups, the drain
 * loops until it has seen them all); a wake-up from Redisson's thread is handed to the worker pool, the
 * container's {@code onWritePossible} drains on its own thread. Everything queued is written, then flushed once.
 * Public for the other SSE routes ({@code keys}: /api/channels); the format is the route's own {@code EventFormat}.
 */
public final class SseStream implements StreamSink, WriteListener, AsyncListener {

    private final AsyncContext async;
    private final Executor workers;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Subscription subscription;
    private volatile ServletOutputStream out;
    private boolean unflushed;

    public SseStream(AsyncContext async, Executor workers) {
        this.async = async;
        this.workers = workers;
    }

    /** Starts writing: the response is committed by the container's first onWritePossible. */
    public void start(Subscription subscription, ServletOutputStream out) {
        this.subscription = subscription;
        this.out = out;
        out.setWriteListener(this);
    }

    /** The subscription this stream ends (closes) if its client leaves before it starts. */
    public void bind(Subscription subscription) {
        this.subscription = subscription;
        if (ended.get()) {
            subscription.close();
        }
    }

    @Override
    public void wake() {
        if (out != null && pending.getAndIncrement() == 0) {
            try {
                workers.execute(this::drain);
            } catch (RejectedExecutionException undeploying) {
                end();
            }
        }
    }

    @Override
    public void onWritePossible() {
        if (pending.getAndIncrement() == 0) {
            drain();
        }
    }

    @Override
    public void abort() {
        end();
    }

    private void drain() {
        int seen = 1;
        do {
            write();
            seen = pending.addAndGet(-seen);
        } while (seen != 0);
    }

    private void write() {
        if (ended.get()) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] event = subscription.poll();
                if (event != null) {
                    out.write(event);
                    unflushed = true;
                } else if (unflushed) {
                    unflushed = false;
                    out.flush();
                } else {
                    if (subscription.done()) {
                        end();
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException clientGone) {
            end();
        }
    }

    @Override
    public void onError(Throwable t) {
        end();
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            Subscription s = subscription;
            if (s != null) {
                s.close();
            }
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // the container ended it first
            }
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        end();
    }

    @Override
    public void onError(AsyncEvent event) {
        end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
