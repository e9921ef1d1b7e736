package dev.tether.redis;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import io.netty.util.HashedWheelTimer;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

/**
 * Owns the application's one Redisson client, built once at startup. Redisson connects lazily, so the
 * application deploys while Redis is down and starts working as soon as Redis answers. Everything here is
 * set in {@link #start()} and never changes: callers may keep the references.
 */
@ApplicationScoped
public class RedisConnector {

    private static final Logger LOG = Logger.getLogger(RedisConnector.class.getName());

    @Inject
    Config config;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threadFactory;

    private RedisSettings settings;
    private Redisson redisson;
    private RedisInternals internals;
    private AsyncGate pooled;
    private AsyncGate dedicated;
    private HashedWheelTimer gateTimer;
    private DirectLane direct;

    @PostConstruct
    void start() {
        settings = RedisSettings.from(config).checked(); // a bad setting fails the deployment
        redisson = (Redisson) Redisson.create(RedissonConfig.from(settings));
        internals = new RedisInternals(redisson);
        gateTimer = new HashedWheelTimer(threadFactory, 10, TimeUnit.MILLISECONDS);
        pooled = new AsyncGate("pooled Redis connections", settings.poolSize(), settings.acquireTimeout(),
                settings.maxQueue(), gateTimer);
        dedicated = new AsyncGate("connections for blocking commands", settings.dedicatedPoolSize(),
                settings.acquireTimeout(), settings.maxQueue(), gateTimer);
        if (DirectLane.applies(settings) && config.getOptionalValue("tether.redis.direct", Boolean.class).orElse(true)) {
            direct = new DirectLane(settings);
        }
        LOG.info(() -> "Redis " + settings.describe() + ": pool " + settings.poolSize() + ", ping every "
                + settings.pingInterval() + " ms, timeout " + settings.timeout() + " ms, Netty threads "
                + settings.nettyThreads());
    }

    /** Creates the client at deployment, not at the first request. */
    void eager(@Observes @Initialized(ApplicationScoped.class) Object event) {
        settings();
    }

    public RedisSettings settings() {
        return settings;
    }

    public RedissonClient client() {
        return redisson;
    }

    public RedisInternals internals() {
        return internals;
    }

    /** Admission to the pooled connections: at most pool-size commands in flight, the rest wait or get 503. */
    public AsyncGate pooled() {
        return pooled;
    }

    /** Admission to dedicated connections (blocking commands), separate so they cannot starve the pool. */
    public AsyncGate dedicated() {
        return dedicated;
    }

    /**
     * The request threads' own connections for single commands on one server, or null (cluster, sentinel, TLS, a
     * Redisson configuration file, or {@code tether.redis.direct=false}).
     */
    public DirectLane direct() {
        return direct;
    }

    /**
     * A hashed-wheel timer (10 ms ticks) for short waits on the request path: the gates' timeouts, a retry's
     * pause. Cheaper than the managed scheduler, which captures the EE context on every schedule.
     */
    public io.netty.util.Timer timer() {
        return gateTimer;
    }

    public ManagedScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Bounded: an undeploy must never hang on Redisson's shutdown. */
    @PreDestroy
    void stop() {
        gateTimer.stop();
        if (direct != null) {
            direct.close();
        }
        Redisson client = redisson;
        Thread stopper = new Thread(() -> client.shutdown(0, 2, TimeUnit.SECONDS), "tether-redis-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.warning("Redisson did not shut down within 5 s; leaving its threads to the JVM's exit");
        }
    }
}
