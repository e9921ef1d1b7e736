package dev.tether.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.Load;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.TcpProxy;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pool against a Redis that closes idle clients after 2 s, reached through a proxy that can half-open
 * connections, and killed and restarted. Numbers are printed for the issue notes.
 */
@TetherIT(redisArgs = {"--timeout", "2"})
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceIT {

    static final int POOL = 8;
    static final int PING = 1000;
    static final int TIMEOUT = 800;
    static final int ACQUIRE = 1000;
    static RedisServer redis;
    static TcpProxy proxy;

    @ArquillianResource
    URL url;

    Http http;
    Http health;

    @Deployment(testable = false)
    static WebArchive deployment() {
        proxy = new TcpProxy(redis.port());
        return Tether.war(Map.of(
                "tether.redis.url", "redis://127.0.0.1:" + proxy.port(),
                "tether.redis.pool-size", Integer.toString(POOL),
                "tether.redis.min-idle", Integer.toString(POOL),
                "tether.redis.ping-interval", Integer.toString(PING),
                "tether.redis.timeout", Integer.toString(TIMEOUT),
                "tether.redis.acquire-timeout", Integer.toString(ACQUIRE),
                "tether.redis.health-interval", "500"));
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @BeforeEach
    void setUp() {
        http = new Http(Tether.base(url), null);
        health = new Http(Tether.management(url), null);
    }

    HttpRequest command(String json) {
        return http.request("redis").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    @Order(1)
    void idlePoolSurvivesTheServersIdleTimeout() throws Exception {
        List<Load.Sample> warm = Load.run(http, 16, 3_000, 400, n -> command("[\"INCR\",\"warm\"]"));
        assertTrue(warm.stream().allMatch(s -> s.status() == 200), () -> summary(warm));

        try (RespClient idle = redis.client()) {
            idle.call("PING");
            Thread.sleep(5_000); // Tether idles too, 2.5 times the server's timeout
            IOException closed = assertThrows(IOException.class, idle::read,
                    "redis-server must have closed an idle client after 2 s");
            System.out.println("[seed] a plain idle client was closed by the server: " + closed.getMessage());
        }

        List<Load.Sample> burst = Load.run(http, 40, 10_000, 40, n -> command("[\"INCR\",\"burst\"]"));
        long failures = burst.stream().filter(s -> s.status() != 200).count();
        System.out.println("[seed] burst of 40 after 5 s idle: failures=" + failures + " " + summary(burst));
        assertEquals(40, burst.size());
        assertEquals(0, failures, () -> summary(burst));
        try (RespClient check = redis.client()) {
            assertEquals("40", check.text("GET", "burst"), "every INCR ran exactly once");
            long oldClients = clientAges(check).stream().filter(age -> age >= 5).count();
            System.out.println("[seed] pooled connections older than the idle period: " + oldClients);
            assertTrue(oldClients >= POOL, "the pinged pool connections were kept, not re-made: " + oldClients);
        }
    }

    @Test
    @Order(2)
    void halfOpenConnectionsAreReplacedWithinThePingInterval() {
        int cut = proxy.blackholeExisting();
        long cutAt = System.currentTimeMillis();
        List<Load.Sample> samples = Load.run(http, 2, 8_000, 2_000, n -> command("[\"INCR\",\"half-open\"]"));
        long failed = samples.stream().filter(s -> s.status() != 200).count();
        long lastFailure = samples.stream().filter(s -> s.status() != 200)
                .mapToLong(s -> s.startedAt() + s.millis() - cutAt).max().orElse(0);
        System.out.println("[half-open] connections cut=" + cut + " failed requests=" + failed
                + " recovered after ms=" + lastFailure + " " + summary(samples));
        assertTrue(cut >= POOL, "the pool's connections went through the proxy: " + cut);
        assertTrue(samples.stream().allMatch(s -> s.status() == 200 || s.status() == 503), () -> summary(samples));
        assertTrue(lastFailure <= PING + TIMEOUT + 2_000, "recovered only after " + lastFailure + " ms");
        assertTrue(failed <= POOL * 2L, "failed requests " + failed);
        long late = samples.stream().filter(s -> s.startedAt() - cutAt > PING + TIMEOUT + 2_000)
                .filter(s -> s.status() != 200).count();
        assertEquals(0, late);

        // every pooled connection works again, not only the ones the two clients happened to use
        List<Load.Sample> burst = Load.run(http, 40, 10_000, 200, n -> command("[\"INCR\",\"after-half-open\"]"));
        System.out.println("[half-open] burst over the whole pool afterwards: " + summary(burst));
        assertTrue(burst.stream().allMatch(s -> s.status() == 200), () -> summary(burst));
    }

    @Test
    @Order(3)
    @Tag("smoke")
    void redisKilledAnswers503FastAndRecoversWithoutRestart() throws Exception {
        List<Load.Sample> before = Load.run(http, 4, 1_000, 500, n -> command("[\"GET\",\"k\"]"));
        assertTrue(before.stream().allMatch(s -> s.status() == 200), () -> summary(before));
        redis.kill();
        long killedAt = System.currentTimeMillis();
        List<Load.Sample> down = Load.run(http, 4, 5_000, 10_000, n -> command("[\"GET\",\"k\"]"));
        long slowestDown = down.stream().mapToLong(Load.Sample::millis).max().orElse(0);
        System.out.println("[kill] while down: " + down.size() + " requests, slowest ms=" + slowestDown + " "
                + summary(down));
        assertTrue(down.stream().allMatch(s -> s.status() == 503 && "1".equals(s.retryAfter())
                && s.body().contains("\"error\"")), () -> summary(down));
        assertTrue(slowestDown <= 1_000, "a request took " + slowestDown + " ms while Redis was down");
        Http.Result ready = health.get("health/ready");
        assertEquals(503, ready.status(), ready::toString);
        assertTrue(ready.body().contains("unreachable"), ready::toString);

        redis.restart();
        long restartedAt = System.currentTimeMillis();
        List<Load.Sample> after = Load.run(http, 4, 4_000, 10_000, n -> command("[\"INCR\",\"after\"]"));
        long lastFailure = after.stream().filter(s -> s.status() != 200)
                .mapToLong(s -> s.startedAt() + s.millis() - restartedAt).max().orElse(0);
        System.out.println("[kill] down for ms=" + (restartedAt - killedAt) + "; after restart all requests succeed from ms="
                + lastFailure + " " + summary(after));
        assertTrue(lastFailure <= 2_000, "recovery took " + lastFailure + " ms");
        assertEquals(200, health.get("health/ready").status());
    }

    @Test
    @Order(4)
    void anExhaustedPoolAnswers503WithinTheAcquireTimeout() {
        proxy.latency(150); // each command holds its connection ~300 ms: 8 connections serve ~27 requests/s
        List<Load.Sample> samples;
        try {
            samples = Load.run(http, POOL * 10, 10_000, 100_000, n -> command("[\"INCR\",\"exhaustion\"]"));
        } finally {
            proxy.latency(0);
        }
        Map<Integer, Long> byStatus = samples.stream().collect(Collectors.groupingBy(Load.Sample::status, Collectors.counting()));
        long slowest = samples.stream().mapToLong(Load.Sample::millis).max().orElse(0);
        System.out.println("[exhaustion] " + summary(samples) + " slowest ms=" + slowest);
        samples.stream().filter(s -> s.millis() > 2000).limit(5)
                .forEach(s -> System.out.println("[exhaustion] slow: " + s));
        assertTrue(samples.stream().allMatch(s -> s.status() == 200 || s.status() == 503), () -> summary(samples));
        assertTrue(byStatus.getOrDefault(503, 0L) > 0, "the pool was never exhausted: " + byStatus);
        assertTrue(byStatus.getOrDefault(200, 0L) > 0, "nothing succeeded: " + byStatus);
        assertTrue(samples.stream().filter(s -> s.status() == 503).allMatch(s -> "1".equals(s.retryAfter())
                && s.body().startsWith("{\"error\":")));
        assertTrue(samples.stream().filter(s -> s.status() == 503).anyMatch(s -> s.body().contains("busy")),
                () -> summary(samples));
        long slowestBusy = samples.stream().filter(s -> s.body().contains("busy")).mapToLong(Load.Sample::millis)
                .max().orElse(0);
        assertTrue(slowestBusy <= ACQUIRE + 700, "a 'busy' 503 took " + slowestBusy + " ms, acquire timeout " + ACQUIRE);
        assertTrue(slowest <= ACQUIRE + TIMEOUT + 1_000, "a request took " + slowest + " ms");
        try (RespClient check = redis.client()) {
            long ok = byStatus.getOrDefault(200, 0L);
            long ran = Long.parseLong(check.text("GET", "exhaustion"));
            System.out.println("[exhaustion] INCR answered 200: " + ok + ", INCR run by Redis: " + ran);
            assertTrue(ran >= ok, "every 200 ran");
        }
        assertEquals(200, health.get("health/ready").status());
        assertEquals("{\"result\":\"PONG\"}", http.post("redis", "[\"PING\"]").body());
    }

    static List<Long> clientAges(RespClient client) {
        String list = client.text("CLIENT", "LIST");
        return list.lines().map(line -> {
            for (String field : line.split(" ")) {
                if (field.startsWith("age=")) {
                    return Long.parseLong(field.substring(4));
                }
            }
            return 0L;
        }).toList();
    }

    static String summary(List<Load.Sample> samples) {
        Map<Integer, Long> byStatus = samples.stream().collect(Collectors.groupingBy(Load.Sample::status, Collectors.counting()));
        Map<String, Long> failures = samples.stream().filter(s -> s.status() != 200)
                .collect(Collectors.groupingBy(s -> s.body().length() > 90 ? s.body().substring(0, 90) : s.body(),
                        Collectors.counting()));
        return "statuses=" + byStatus + " failures=" + failures;
    }
}
