package dev.tether.support;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a boundary continues work that must not run on an I/O thread (Redisson completes futures on its Netty
 * threads; a WebSocket broadcast there would stall every Redis command). One thread per core. A plain pool of
 * managed threads: a ManagedExecutorService captures the EE context for every task, which cost Payara a class-path
 * scan per task. A one-thread timer for short waits: the managed scheduler costs Payara that scan per schedule too.
 */
@ApplicationScoped
public class Workers implements Executor {

    @Resource
    ManagedThreadFactory threadFactory;

    private ExecutorService pool;
    private ScheduledThreadPoolExecutor timer;

    @PostConstruct
    void start() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadFactory);
        timer = new ScheduledThreadPoolExecutor(1, threadFactory);
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Runs {@code task} on this pool after {@code nanos} (the timer thread only hands it over). */
    public void executeAfter(Runnable task, long nanos) {
        timer.schedule(() -> execute(task), nanos, TimeUnit.NANOSECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        pool.shutdown();
    }
}
