package dev.tether.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.SseClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The instance-wide pub/sub limits: subscribers (503 with Retry-After), channels, and a stream's lifetime. */
@TetherIT
@RunAsClient
class PubSubLimitsIT {

    static final String TOKEN = "limits-token";
    static final long T = 10_000;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    URI base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.pubsub.max-subscribers", "2",
                "tether.pubsub.max-channels", "3",
                "tether.pubsub.max-lifetime", "3000",
                "tether.pubsub.keep-alive", "500"));
    }

    /** Each test starts with no stream and no channel left from another (closed streams go at once). */
    @BeforeEach
    void setUp() {
        base = Tether.base(url);
        Http http = new Http(base, TOKEN);
        long deadline = System.currentTimeMillis() + 20_000;
        String metrics = "";
        while (System.currentTimeMillis() < deadline) {
            metrics = http.get("/metrics?scope=application").body();
            if (gauge(metrics, "tether_pubsub_subscribers") == 0 && gauge(metrics, "tether_pubsub_channels") == 0) {
                return;
            }
            pause(100);
        }
        throw new AssertionError("streams left over:\n" + metrics);
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("^" + name + "(?:\\{[^}]*\\})? ([0-9.]+)", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), () -> name + " missing in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void overTheSubscriberLimit503WithRetryAfterThenAdmittedOnceOneLeft() {
        try (SseClient one = SseClient.open(base, "redis/subscribe/x", TOKEN, "[]");
             SseClient two = SseClient.open(base, "redis/subscribe/x", TOKEN, "[]")) {
            assertEquals("data: subscribe,x,1", one.nextData(T));
            assertEquals("data: subscribe,x,1", two.nextData(T));
            try (SseClient three = SseClient.open(base, "redis/subscribe/x", TOKEN, "[]")) {
                assertEquals(503, three.status(), three::body);
                assertEquals("1", three.header("Retry-After"));
                String error = ((JsonObject) Http.parse(three.body())).getString("error");
                assertTrue(error.contains("tether.pubsub.max-subscribers 2"), error);
            }
        }
        // the closed streams are cleaned up at once; admitted again as soon as the count says so
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try (SseClient again = SseClient.open(base, "redis/subscribe/x", TOKEN, "[]")) {
                if (again.status() == 200) {
                    assertEquals("data: subscribe,x,1", again.nextData(T));
                    return;
                }
                assertTrue(System.currentTimeMillis() < deadline, "never admitted again: " + again.body());
            }
            pause(200);
        }
    }

    @Test
    void overTheChannelLimit503() {
        try (SseClient three = SseClient.open(base, "redis/subscribe/c1", TOKEN, "[\"c2\",\"c3\"]")) {
            assertEquals("data: subscribe,c1,1", three.nextData(T), three::body);
            assertEquals("data: subscribe,c2,2", three.nextData(T));
            assertEquals("data: subscribe,c3,3", three.nextData(T));
            try (SseClient fourth = SseClient.open(base, "redis/subscribe/c4", TOKEN, "[]")) {
                assertEquals(503, fourth.status(), fourth::body);
                assertTrue(fourth.body().contains("tether.pubsub.max-channels 3"), fourth.body());
            }
        }
    }

    @Test
    void aStreamEndsAtItsMaximumLifetimeWithAFinalEvent() {
        long start = System.currentTimeMillis();
        try (SseClient s = SseClient.open(base, "GET", "redis/psubscribe/life:*", TOKEN, "text/event-stream", null, false)) {
            assertEquals("data: psubscribe,life:*,1", s.nextData(T));
            String last = s.nextData(T);
            assertNotNull(last);
            assertTrue(last.startsWith("data: error,life:*,maximum stream lifetime of 3000 ms reached"), last);
            assertEquals(SseClient.END, s.next(T));
            long lasted = System.currentTimeMillis() - start;
            assertTrue(lasted >= 3000 && lasted < 8000, "lasted " + lasted + " ms");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
