package dev.tether.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics where each server really serves them: Payara Micro on the HTTP port, WildFly on its management
 * interface (9990 + offset). Redis going down and readiness turning DOWN is ResilienceIT's (also in the smoke suite).
 */
@Tag("smoke")
@TetherIT
@RunAsClient
class ObservabilityIT {

    static final int COMMANDS = 7;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    Http http;
    Http management;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url(), "tether.redis.pool-size", "6"));
    }

    @BeforeEach
    void setUp() {
        http = new Http(Tether.base(url), null); // no token configured: loopback callers are served
        management = new Http(Tether.management(url), null);
    }

    @Test
    void liveAndReadyWhileRedisAnswers() {
        Http.Result live = management.get("health/live");
        assertEquals(200, live.status(), live::toString);
        assertEquals("UP", check(live, "tether").getString("status"), live::toString);

        Http.Result ready = management.get("health/ready");
        assertEquals(200, ready.status(), ready::toString);
        JsonObject redisCheck = check(ready, "redis");
        assertEquals("UP", redisCheck.getString("status"), ready::toString);
        assertTrue(redisCheck.getJsonObject("data").containsKey("detail"), ready::toString);
    }

    @Test
    void metricsCountTheRequests() {
        for (int i = 0; i < COMMANDS; i++) {
            Http.Result r = http.post("redis", "[\"INCR\",\"counted\"]");
            assertEquals("{\"result\":" + (i + 1) + "}", r.body(), r::toString);
        }
        if (Tether.onWildFly()) {
            // WildFly 39 has no MicroProfile Metrics: Tether's gauges are not published (RedisMetrics logs it);
            // the metrics subsystem serves the server's own metrics, among them the deployment's request count
            Http.Result metrics = management.get("metrics");
            assertEquals(200, metrics.status(), () -> metrics.status() + " " + head(metrics.body()));
            String text = metrics.body();
            assertTrue(value(text, "base_memory_usedHeap_bytes") > 0, () -> head(text));
            assertTrue(value(text, "wildfly_undertow_request_count_total\\{[^}]*deployment=\"tether.war\"[^}]*}") >= COMMANDS,
                    () -> head(text));
            assertTrue(!text.contains("tether_redis"), "Tether's gauges appeared on WildFly: update the README and this test");
        } else {
            // poll briefly: the commands run on Redisson threads and the metric may be read as the last reply arrives
            String counter = "tether_redis_commands_total(\\{[^}]*})?";
            String text = "";
            for (int i = 0; i < 25 && (!has(text, counter) || value(text, counter) < COMMANDS); i++) {
                Http.Result metrics = management.get("metrics?scope=application");
                assertEquals(200, metrics.status(), () -> metrics.status() + " " + head(metrics.body()));
                text = metrics.body();
                sleep(200);
            }
            String last = text;
            assertTrue(value(last, counter) >= COMMANDS, () -> head(last));
            assertTrue(has(last, "# TYPE tether_redis_commands_total counter"), () -> "not a counter:\n" + head(last));
            assertEquals(6, value(last, "tether_redis_pool_size(\\{[^}]*})?"), () -> head(last));
            assertTrue(value(last, "tether_redis_pool_open(\\{[^}]*})?") >= 1, () -> head(last));
        }
    }

    /** The check named {@code name} in a MicroProfile Health response. */
    static JsonObject check(Http.Result health, String name) {
        for (JsonValue c : ((JsonObject) health.json()).getJsonArray("checks")) {
            if (name.equals(((JsonObject) c).getString("name"))) {
                return (JsonObject) c;
            }
        }
        return fail("no check named " + name + " in " + health);
    }

    /** The value of the first sample whose name (and labels) match {@code metric}, in Prometheus/OpenMetrics text. */
    /** The sum of every sample of the metric (WildFly reports the request count once per servlet). */
    static double value(String text, String metric) {
        Matcher m = Pattern.compile("^" + metric + " (?<value>[0-9.eE+-]+)", Pattern.MULTILINE).matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            found = true;
            sum += Double.parseDouble(m.group("value"));
        }
        return found ? sum : fail("no sample " + metric + " in:\n" + head(text));
    }

    static boolean has(String text, String line) {
        return Pattern.compile("^" + line + "( |$)", Pattern.MULTILINE).matcher(text).find();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String head(String text) {
        return text.length() > 6000 ? text.substring(0, 6000) + "\n…" : text;
    }
}
