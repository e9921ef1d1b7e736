package dev.tether.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.redisson.client.NettyHook;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;

/** Builds Redisson's configuration from {@link RedisSettings}, or reads the YAML file that replaces them. */
final class RedissonConfig {

    private RedissonConfig() {
    }

    static Config from(RedisSettings s) {
        Config config = s.configFile().isPresent() ? yaml(s.configFile().get()) : singleServer(s);
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

    private static Config singleServer(RedisSettings s) {
        Config config = new Config()
                .setTcpKeepAlive(true)
                .setTcpKeepAliveIdle(Math.max(1, s.pingInterval() / 1000))
                .setTcpKeepAliveInterval(5)
                .setTcpKeepAliveCount(3);
        SingleServerConfig server = config.useSingleServer()
                .setAddress(s.address())
                .setConnectionPoolSize(s.poolSize())
                .setConnectionMinimumIdleSize(s.minIdle())
                .setPingConnectionInterval(s.pingInterval())
                .setTimeout(s.timeout())
                .setConnectTimeout(s.connectTimeout())
                // never re-send: a timed-out INCR may have run; Tether answers 503 and the client decides
                .setRetryAttempts(0)
                .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(50), Duration.ofMillis(s.reconnectMaxDelay())))
                .setSubscriptionConnectionPoolSize(4)
                // channels and patterns share these 4 connections; Redisson's default of 5 each allowed only 20
                .setSubscriptionsPerConnection(s.subscriptionsPerConnection())
                .setSubscriptionConnectionMinimumIdleSize(0);
        URI uri = URI.create(s.url());
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
        return config;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
