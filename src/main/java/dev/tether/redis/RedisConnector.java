package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Logger;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.eclipse.microprofile.config.Config;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;

/**
 * Owns the application's one Redisson client. It is created lazily (no connection at start), so the
 * application deploys while Redis is down and starts working as soon as Redis answers.
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

    private ExecutorService replies;

    private RedisSettings settings;
    private Redisson redisson;
    private RedisInternals internals;
    private AsyncGate pooled;
    private AsyncGate dedicated;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        settings(); // fail deployment early on a bad setting, and start the pool
    }

    public synchronized RedisSettings settings() {
        if (settings == null) {
            settings = RedisSettings.from(config);
            redisson = (Redisson) Redisson.create(redissonConfig(settings));
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            replies = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadFactory);
            internals = new RedisInternals(redisson);
            pooled = new AsyncGate("pooled Redis connections", settings.poolSize(), settings.acquireTimeout(),
                    settings.maxQueue(), scheduler);
            dedicated = new AsyncGate("connections for blocking commands", settings.dedicatedPoolSize(),
                    settings.acquireTimeout(), settings.maxQueue(), scheduler);
            LOG.info(() -> "Redis " + settings.safeAddress() + ": pool " + settings.poolSize() + ", ping every "
                    + settings.pingInterval() + " ms, timeout " + settings.timeout() + " ms");
        }
        return settings;
    }

    public RedissonClient client() {
        settings();
        return redisson;
    }

    public RedisInternals internals() {
        settings();
        return internals;
    }

    /** Admission to the pooled connections: at most pool-size commands in flight, the rest wait or get 503. */
    public AsyncGate pooled() {
        settings();
        return pooled;
    }

    /** Admission to dedicated connections (blocking commands), separate so they cannot starve the pool. */
    public AsyncGate dedicated() {
        settings();
        return dedicated;
    }

    public ManagedScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Where replies continue once Redis has answered. Redisson completes futures on its Netty threads; writing
     * an HTTP or WebSocket response there can block them on the server's locks and stall every Redis command.
     * A plain pool of managed threads: a ManagedExecutorService captures the EE context for every task, which
     * cost Payara a class-path scan per request.
     */
    public ExecutorService executor() {
        settings();
        return replies;
    }

    /** Bounded: an undeploy must never hang on Redisson's shutdown. */
    @PreDestroy
    void stop() {
        Redisson client;
        synchronized (this) {
            client = redisson;
            redisson = null;
            if (replies != null) {
                replies.shutdown();
            }
        }
        if (client == null) {
            return;
        }
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

    static org.redisson.config.Config redissonConfig(RedisSettings s) {
        org.redisson.config.Config config;
        if (s.configFile().isPresent()) {
            try {
                config = org.redisson.config.Config.fromYAML(new File(s.configFile().get()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read tether.redis.config-file " + s.configFile().get(), e);
            }
        } else {
            config = new org.redisson.config.Config();
            URI uri = URI.create(s.url());
            SingleServerConfig server = config.useSingleServer()
                    .setAddress(uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()))
                    .setConnectionPoolSize(s.poolSize())
                    .setConnectionMinimumIdleSize(s.minIdle())
                    .setPingConnectionInterval(s.pingInterval())
                    .setKeepAlive(true)
                    .setTcpKeepAliveIdle(Math.max(1, s.pingInterval() / 1000))
                    .setTcpKeepAliveInterval(5)
                    .setTcpKeepAliveCount(3)
                    .setTimeout(s.timeout())
                    .setConnectTimeout(s.connectTimeout())
                    // never re-send: a timed-out INCR may have run; Tether answers 503 and the client decides
                    .setRetryAttempts(0)
                    .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(50), Duration.ofMillis(s.reconnectMaxDelay())))
                    .setSubscriptionConnectionPoolSize(4)
                    .setSubscriptionConnectionMinimumIdleSize(0);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
                String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
                if (!user.isEmpty()) {
                    server.setUsername(user);
                }
                server.setPassword(password);
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                server.setDatabase(Integer.parseInt(path.substring(1)));
            }
        }
        config.setLazyInitialization(true);
        // Netty's DNS resolver keeps UDP sockets bound to every interface; the JDK's resolver opens none.
        config.setAddressResolverGroupFactory((datagram, socket, nameServers) -> DefaultAddressResolverGroup.INSTANCE);
        return config;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
