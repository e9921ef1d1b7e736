package dev.tether.redis;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.netty.util.Timer;
import java.util.concurrent.TimeUnit;

/**
 * A non-blocking counting semaphore: {@link #acquire()} completes when a permit is free, or fails with
 * {@link RedisUnavailableException} after the acquire timeout or when too many callers already wait.
 * Nobody blocks a thread while waiting.
 */
public final class AsyncGate {

    private final String name;
    private final int permits;
    private final long timeoutMillis;
    private final int maxWaiting;
    private final Timer timer;
    private final Deque<CompletableFuture<Permit>> waiting = new ArrayDeque<>();
    private int inUse;

    /**
     * @param timer times out waiters; a hashed wheel, not a (managed) scheduled executor: scheduling on Payara's
     *              ManagedScheduledExecutorService captured the EE context through a class-path scan, on every wait
     */
    public AsyncGate(String name, int permits, long timeoutMillis, int maxWaiting, Timer timer) {
        this.name = name;
        this.permits = permits;
        this.timeoutMillis = timeoutMillis;
        this.maxWaiting = maxWaiting;
        this.timer = timer;
    }

    public CompletionStage<Permit> acquire() {
        CompletableFuture<Permit> ticket = new CompletableFuture<>();
        synchronized (this) {
            if (inUse < permits) {
                inUse++;
                return CompletableFuture.completedFuture(new Permit(this));
            }
            if (waiting.size() >= maxWaiting || timeoutMillis == 0) {
                return CompletableFuture.failedFuture(busy());
            }
            waiting.add(ticket);
        }
        timer.newTimeout(timeout -> {
            if (ticket.isDone()) {
                return; // granted meanwhile
            }
            boolean removed;
            synchronized (this) {
                removed = waiting.remove(ticket);
            }
            if (removed) {
                ticket.completeExceptionally(busy());
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        return ticket;
    }

    /** Runs {@code work} while holding a permit, releasing it when the work's stage completes. */
    public <T> CompletionStage<T> with(java.util.function.Supplier<CompletionStage<T>> work) {
        return acquire().thenCompose(permit -> {
            CompletionStage<T> stage;
            try {
                stage = work.get();
            } catch (RuntimeException e) {
                permit.release();
                return CompletableFuture.failedFuture(e);
            }
            return stage.whenComplete((v, e) -> permit.release());
        });
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    private void release() {
        CompletableFuture<Permit> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inUse--;
                return;
            }
        }
        // the permit passes straight to the next waiter; if it timed out meanwhile, pass it on again
        if (!next.complete(new Permit(this))) {
            release();
        }
    }

    private RedisUnavailableException busy() {
        return RedisUnavailableException.busy("all " + permits + " " + name
                + " are busy and none became free within " + timeoutMillis + " ms");
    }

    /** One held permit; releasing it twice has no further effect. */
    public static final class Permit {
        private final AsyncGate gate;
        private boolean released;

        private Permit(AsyncGate gate) {
            this.gate = gate;
        }

        public void release() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            gate.release();
        }
    }
}
