package dev.tether.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.redisson.client.NettyHook;
import org.redisson.config.BaseConfig;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SubscriptionMode;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;

/** Builds Redisson's configuration from {@link RedisSettings}, or reads the YAML file that replaces them. */
final class RedissonConfig {

    private RedissonConfig() {
    }

    static Config from(RedisSettings s) {
        Config config = s.configFile().isPresent() ? yaml(s.configFile().get()) : switch (s.mode()) {
            case SINGLE -> singleServer(s);
            case CLUSTER -> cluster(s);
            case SENTINEL -> sentinel(s);
        };
        config.setLazyInitialization(true);
        // Netty's DNS resolver keeps UDP sockets bound to every interface; the JDK's resolver opens none.
        config.setAddressResolverGroupFactory((datagram, socket, nameServers) -> DefaultAddressResolverGroup.INSTANCE);
        config.setNettyHook(new NettyHook() {
            @Override
            public void afterBoostrapInitialization(Bootstrap bootstrap) {
            }

            @Override
            public void afterChannelInitialization(Channel channel) {
                RespReplies.install(channel);
            }
        });
        if (s.configFile().isEmpty()) {
            config.setNettyThreads(s.nettyThreads()).setThreads(s.threads());
        }
        return config;
    }

    private static Config yaml(String file) {
        try {
            return Config.fromYAML(new File(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tether.redis.config-file " + file, e);
        }
    }

    private static Config base(RedisSettings s) {
        return new Config()
                .setTcpKeepAlive(true)
                .setTcpKeepAliveIdle(Math.max(1, s.pingInterval() / 1000))
                .setTcpKeepAliveInterval(5)
                .setTcpKeepAliveCount(3);
    }

    private static Config singleServer(RedisSettings s) {
        Config config = base(s);
        SingleServerConfig server = common(config.useSingleServer(), s)
                .setAddress(s.address())
                .setConnectionPoolSize(s.poolSize())
                .setConnectionMinimumIdleSize(s.minIdle())
                .setSubscriptionConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(0);
        s.database().ifPresent(server::setDatabase);
        return config;
    }

    /** Pool sizes, pings, timeouts and fail-fast rules per node; every command to masters (a replica may lag). */
    private static Config cluster(RedisSettings s) {
        Config config = base(s);
        ClusterServersConfig cluster = masterReplica(common(config.useClusterServers(), s), s)
                .setScanInterval(1000)
                .setCheckSlotsCoverage(false); // a slot without a master answers 503 (CLUSTERDOWN), not a failed start
        s.nodes().forEach(cluster::addNodeAddress);
        return config;
    }

    private static Config sentinel(RedisSettings s) {
        Config config = base(s);
        SentinelServersConfig sentinel = masterReplica(common(config.useSentinelServers(), s), s)
                .setMasterName(s.sentinelMaster().orElseThrow())
                .setScanInterval(1000)
                .setCheckSentinelsList(false);
        s.nodes().forEach(sentinel::addSentinelAddress);
        s.database().ifPresent(sentinel::setDatabase);
        return config;
    }

    private static <T extends BaseMasterSlaveServersConfig<T>> T masterReplica(T servers, RedisSettings s) {
        return servers
                .setMasterConnectionPoolSize(s.poolSize())
                .setMasterConnectionMinimumIdleSize(s.minIdle())
                .setSlaveConnectionPoolSize(s.poolSize())
                .setSlaveConnectionMinimumIdleSize(0)
                .setReadMode(ReadMode.MASTER)
                .setSubscriptionMode(SubscriptionMode.MASTER)
                .setSubscriptionConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(0);
    }

    private static <T extends BaseConfig<T>> T common(T server, RedisSettings s) {
        server.setPingConnectionInterval(s.pingInterval())
                .setTimeout(s.timeout())
                .setConnectTimeout(s.connectTimeout())
                // never re-send: a timed-out INCR may have run; Tether answers 503 and the client decides
                .setRetryAttempts(0)
                .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(50), Duration.ofMillis(s.reconnectMaxDelay())))
                // channels and patterns share these connections; Redisson's default of 5 each allowed only 20
                .setSubscriptionsPerConnection(s.subscriptionsPerConnection());
        s.credentials().ifPresent(c -> {
            if (!c.user().isEmpty()) {
                server.setUsername(c.user());
            }
            server.setPassword(c.password());
        });
        return server;
    }
}
