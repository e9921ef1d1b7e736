package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.ListeningSockets;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nothing of the server listens beyond the bind address: every listening TCP socket and every unconnected UDP socket
 * of the server process (Payara Micro with server-config/payara-micro's pre-boot file, or WildFly configured by
 * server-config/wildfly) is on loopback, after Tether has talked to Redis and served a request.
 */
@Tag("smoke")
@TetherIT
@RunAsClient
class ListeningSocketsIT {

    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url()));
    }

    @Test
    void everySocketOfTheServerIsOnLoopback() {
        Http http = new Http(Tether.base(url), null);
        assertEquals("{\"result\":\"PONG\"}", http.post("redis", "[\"PING\"]").body()); // the Redis client is up

        long pid = ListeningSockets.serverListeningOn(url.getPort());
        List<ListeningSockets.Socket> sockets = ListeningSockets.of(pid);
        assertTrue(sockets.stream().anyMatch(s -> s.port() == url.getPort()), "the HTTP listener itself: " + sockets);
        List<ListeningSockets.Socket> open = sockets.stream().filter(s -> !s.loopback()).toList();
        assertEquals(List.of(), open, "sockets of server pid " + pid + " beyond loopback (all: " + sockets + ")");
    }
}
