package dev.tether.gateway.http;

import dev.tether.gateway.GatewayException;
import dev.tether.pubsub.EventFormat;
import dev.tether.pubsub.PubSub;
import dev.tether.pubsub.StreamSink;
import dev.tether.pubsub.Subscription;
import dev.tether.pubsub.Topic;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
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
 * clients expect). Shared by the dialects' streaming routes (Upstash SSE, Webdis chunked pub/sub, /api/channels)
 * through {@link #serve}. A client that closes its connection ends the stream at once where the server tells
 * ({@link CloseHooks}), else at the next write.
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
    private volatile Runnable unwatch;

    /** How a dialect answers a refusal (before the stream started): its status and error body. */
    @FunctionalInterface
    public interface Refusal {
        void send(HttpServletResponse response, Throwable failure) throws IOException;
    }

    /** A dialect's stream: its Content-Type, one flush per event (Webdis's chunks) or per batch, its refusals. */
    public record Dialect(String contentType, boolean flushEach, Refusal refusal) {
    }

    /** Server-Sent Events, refusals as Tether's JSON errors (a bad name is a 400). */
    public static final Dialect SSE = new Dialect("text/event-stream;charset=UTF-8", false, (response, failure) ->
            Failures.send(response, failure instanceof IllegalArgumentException ? GatewayException.bad(failure.getMessage())
                    : failure));

    /**
     * Answers {@code request} with a stream of {@code topics} in {@code format}, once Redis confirmed the
     * subscription; refusals (limits, bad names, Redis down or slow to confirm) are answered as the dialect
     * answers them instead. Checks of the request (auth, policy, Accept) come before.
     */
    public static void serve(HttpServletRequest request, HttpServletResponse response, PubSub pubsub,
                             List<Topic> topics, EventFormat format, Dialect dialect, Executor workers) {
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the stream's lifetime is pub/sub's (tether.pubsub.max-lifetime)
        EventStream stream = new EventStream(async, workers, dialect.flushEach());
        async.addListener(stream);
        stream.unwatch = CloseHooks.watch(request, () -> stream.later(stream::end));
        Subscription subscription;
        try {
            subscription = pubsub.open(topics, format, stream);
        } catch (RuntimeException e) {
            refuse(dialect, response, e);
            stream.end();
            return;
        }
        stream.bind(subscription);
        subscription.ready().whenCompleteAsync((ok, failure) -> {
            if (failure != null) {
                refuse(dialect, response, failure);
                stream.end();
                return;
            }
            try {
                response.setStatus(200);
                response.setContentType(dialect.contentType());
                response.setHeader("Cache-Control", "no-cache");
                response.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
                stream.start(subscription, response.getOutputStream());
            } catch (IOException | RuntimeException e) {
                stream.end();
            }
        }, workers);
    }

    private static void refuse(Dialect dialect, HttpServletResponse response, Throwable failure) {
        try {
            dialect.refusal().send(response, failure);
        } catch (IOException | RuntimeException clientGoneOrEnded) {
            // nothing to tell
        }
    }

    private EventStream(AsyncContext async, Executor workers, boolean flushEach) {
        this.async = async;
        this.workers = workers;
        this.flushEach = flushEach;
    }

    /** Starts writing: the response is committed by the container's first onWritePossible. */
    private void start(Subscription subscription, ServletOutputStream out) {
        if (ended.get()) {
            return; // the client left while Redis confirmed
        }
        this.subscription = subscription;
        this.out = out;
        out.setWriteListener(this);
    }

    /** The subscription this stream ends (closes) if its client leaves before it starts. */
    private void bind(Subscription subscription) {
        this.subscription = subscription;
        if (ended.get()) {
            subscription.close();
        }
    }

    @Override
    public void wake() {
        if (out != null && pending.getAndIncrement() == 0) {
            later(this::drain);
        }
    }

    /** On the worker pool, off Redisson's and the server's I/O threads. */
    private void later(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException undeploying) {
            end();
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
            Runnable u = unwatch;
            if (u != null) {
                u.run();
            }
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
