package dev.tether.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** Tether deploys while Redis is down, answers 503 meanwhile, and works once Redis appears, with no restart. */
@TetherIT(redisRunning = false)
@RunAsClient
class RedisDownAtStartIT {

    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url(), "tether.redis.pool-size", "6"));
    }

    @Test
    void deploysDownThenRecoversWhenRedisAppears() throws Exception {
        Http http = new Http(Tether.base(url), null);

        Http.Result live = http.get("/health/live");
        assertEquals(200, live.status(), live::toString);
        Http.Result ready = http.get("/health/ready");
        assertEquals(503, ready.status(), ready::toString);
        assertTrue(ready.body().contains("\"DOWN\"") && ready.body().contains("127.0.0.1:" + redis.port()), ready::toString);

        for (int i = 0; i < 5; i++) {
            Http.Result r = http.post("redis", "[\"PING\"]");
            assertEquals(503, r.status(), r::toString);
            assertEquals("1", r.header("Retry-After"));
            assertTrue(r.body().startsWith("{\"error\":\"ERR Redis is unavailable"), r::toString);
            assertTrue(r.millis() <= 1_100, "answered in " + r.millis() + " ms");
        }

        redis.restart();
        long started = System.currentTimeMillis();
        Http.Result ok = null;
        while (System.currentTimeMillis() - started < 10_000) {
            ok = http.post("redis", "[\"SET\",\"appeared\",\"yes\"]");
            if (ok.status() == 200) {
                break;
            }
            Thread.sleep(50);
        }
        long took = System.currentTimeMillis() - started;
        System.out.println("[down-at-start] first success " + took + " ms after Redis started");
        assertEquals(200, ok.status(), ok::toString);
        assertTrue(took <= 2_000, "took " + took + " ms");
        assertEquals("{\"result\":\"yes\"}", http.post("redis", "[\"GET\",\"appeared\"]").body());
        assertEquals(200, http.get("/health/ready").status());

        String metrics = http.get("/metrics?scope=application").body();
        assertEquals(6, metric(metrics, "tether_redis_pool_size"), metrics);
        assertTrue(metric(metrics, "tether_redis_commands_total") >= 7, metrics);
        assertTrue(metric(metrics, "tether_redis_errors_total") >= 5, metrics);
        assertTrue(metric(metrics, "tether_redis_pool_open") >= 1, metrics);
    }

    static long metric(String prometheus, String name) {
        return prometheus.lines()
                .filter(line -> line.startsWith(name + "{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing"));
    }
}
