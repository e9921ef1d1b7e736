package dev.tether.gateway.http;

import dev.tether.pubsub.StreamSink;
import dev.tether.pubsub.Subscription;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a subscription's queue to an asynchronous response with servlet non-blocking I/O: no thread is held
 * while the stream is idle or its client is slow. One drain at a time ({@code pending} counts wake-ups, the drain
 * loops until it has seen them all); a wake-up from Redisson's thread is handed to the worker pool, the
 * container's {@code onWritePossible} drains on its own thread. Everything queued is written, then flushed once
 * (or, with {@code flushEach}, each event flushed on its own: one HTTP chunk per event, as Webdis's Comet
 * clients expect). Shared by the dialects' streaming routes (Upstash SSE, Webdis chunked pub/sub).
 */
public final class EventStream implements StreamSink, WriteListener, AsyncListener {

    private final AsyncContext async;
    private final Executor workers;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Subscription subscription;
    private volatile ServletOutputStream out;
    private final boolean flushEach;
    private boolean unflushed;

    public EventStream(AsyncContext async, Executor workers) {
        this(async, workers, false);
    }

    public EventStream(AsyncContext async, Executor workers, boolean flushEach) {
        this.async = async;
        this.workers = workers;
        this.flushEach = flushEach;
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
                    if (event.length == 0) {
                        continue; // a format without keep-alives or notices (Webdis): never an empty chunk
                    }
                    out.write(event);
                    if (flushEach && out.isReady()) {
                        out.flush();
                    } else {
                        unflushed = true;
                    }
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

    /** No Accept header, or one that allows text/event-stream (curl's {@code *}{@code /*} does). */
    public static boolean accepted(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals("text/event-stream") || type.equals("text/*") || type.equals("*/*")) {
                return true;
            }
        }
        return false;
    }
}
