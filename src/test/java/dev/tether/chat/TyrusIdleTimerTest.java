package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wrapper skips only the no-op re-arming (delay ≤ 0); the container's scheduler field is swapped once. */
class TyrusIdleTimerTest {

    /** Shaped like Tyrus's BaseContainer: the field is private, final and declared in a superclass. */
    static class BaseContainer {
        private final ScheduledExecutorService managedScheduledExecutorService;

        BaseContainer(ScheduledExecutorService scheduler) {
            this.managedScheduledExecutorService = scheduler;
        }

        ScheduledExecutorService scheduler() {
            return managedScheduledExecutorService;
        }
    }

    static final class ServerContainer extends BaseContainer {
        ServerContainer(ScheduledExecutorService scheduler) {
            super(scheduler);
        }
    }

    @Test
    void theContainersSchedulerIsWrappedOnceAndOnlyTheNoOpReArmingIsSkipped() throws Exception {
        ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();
        try {
            ServerContainer container = new ServerContainer(real);
            TyrusIdleTimer.Skipping wrapper = new TyrusIdleTimer.Skipping(real);
            assertTrue(TyrusIdleTimer.wrapContainer(container, real, wrapper));
            assertSame(wrapper, container.scheduler(), "later sessions get the wrapper from their start");
            assertFalse(TyrusIdleTimer.wrapContainer(container, real, new TyrusIdleTimer.Skipping(real)),
                    "not wrapped twice");
            assertFalse(TyrusIdleTimer.wrapContainer(new Object(), real, wrapper), "another container: left alone");

            AtomicInteger ran = new AtomicInteger();
            Runnable rearm = ran::incrementAndGet;
            assertTrue(wrapper.schedule(rearm, 0, TimeUnit.MILLISECONDS).isDone());
            CountDownLatch later = new CountDownLatch(1);
            wrapper.schedule(later::countDown, 1, TimeUnit.MILLISECONDS);
            assertTrue(later.await(5, TimeUnit.SECONDS), "a real timeout still runs");
            real.submit(() -> { }).get(5, TimeUnit.SECONDS);
            assertEquals(0, ran.get(), "the disabled timer's re-arming never ran");
        } finally {
            real.shutdownNow();
        }
    }
}
