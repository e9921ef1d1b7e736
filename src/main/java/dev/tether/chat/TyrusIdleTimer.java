package dev.tether.chat;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes Tyrus's idle timer off the send path (Payara). Tyrus 2.1 re-arms a session's idle timeout on every sent
 * and received frame by scheduling a task on the container's scheduler, even when the timeout is 0 (off), and on
 * Payara that scheduler is the managed one, which captures the EE context for each task with a class-path
 * resource scan: JFR under 1,000 clients × 200 msg/s put 65 % of all CPU samples there, plus a thread hand-off
 * per delivery to run the no-op task. With the timeout off (our heartbeat does liveness), each such task does
 * nothing, so this wraps the session's scheduler: a schedule with delay ≤ 0 (delay = the timeout) returns a
 * finished future; everything else goes to Tyrus's scheduler unchanged. Other servers, or a Tyrus without that
 * field, are left alone.
 */
final class TyrusIdleTimer {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimer.class.getName());
    private static volatile Field field;
    private static volatile boolean unavailable;
    private static volatile Skipping last;

    private TyrusIdleTimer() {
    }

    /** Turns the idle timeout off and, on Tyrus, stops it from scheduling anything per frame. */
    static void bypass(Session session) {
        if (unavailable || !session.getClass().getName().equals("org.glassfish.tyrus.core.TyrusSession")) {
            return;
        }
        try {
            Field f = field;
            if (f == null) {
                f = session.getClass().getDeclaredField("service");
                f.setAccessible(true);
                field = f;
            }
            if (f.get(session) instanceof ScheduledExecutorService original && !(original instanceof Skipping)) {
                Skipping wrapper = last;
                if (wrapper == null || wrapper.delegate != original) {
                    last = wrapper = new Skipping(original); // one per container scheduler, not per session
                }
                f.set(session, wrapper);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(Level.INFO, "Tyrus idle timer left as it is: " + e);
        }
        session.setMaxIdleTimeout(0); // after the swap: setting it re-arms the timer too
    }

    /** Delegates everything except the no-op re-arming of a disabled idle timeout. */
    static final class Skipping implements ScheduledExecutorService {
        private static final ScheduledFuture<?> DONE = new Done();
        final ScheduledExecutorService delegate;

        Skipping(ScheduledExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return delay <= 0 ? DONE : delegate.schedule(command, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return delegate.schedule(callable, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }

        @Override
        public <T> Future<T> submit(Callable<T> task) {
            return delegate.submit(task);
        }

        @Override
        public <T> Future<T> submit(Runnable task, T result) {
            return delegate.submit(task, result);
        }

        @Override
        public Future<?> submit(Runnable task) {
            return delegate.submit(task);
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
            return delegate.invokeAll(tasks);
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException {
            return delegate.invokeAll(tasks, timeout, unit);
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
            return delegate.invokeAny(tasks);
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return delegate.invokeAny(tasks, timeout, unit);
        }

        @Override
        public void execute(Runnable command) {
            delegate.execute(command);
        }
    }

    /** A finished, never-cancelled future that is safe to share. */
    private static final class Done extends CompletableFuture<Object> implements ScheduledFuture<Object> {
        Done() {
            complete(null);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false; // shared: Tyrus cancels the previous timer before each re-arm
        }
    }
}
