package dev.tether.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.SseClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A subscriber that disconnects is cleaned up at once, on every streaming route: its stream and, with the last
 * one, the Redis subscription. Keep-alives every 60 s and no lifetime, so nothing but the server's notice of the
 * closed connection can end the streams in time (before it, a closed client was noticed at the next write).
 * Half the clients close with a FIN, half with a reset; one stays and still receives messages.
 */
@TetherIT
@RunAsClient
@Tag("smoke")
class PubSubDisconnectIT {

    static final String TOKEN = "gone-token";
    static final int CLIENTS = 10;
    static final long WITHIN = 1000; // ms from the last close until Redis and the gauge show the streams gone
    static final long T = 10_000;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.pubsub.keep-alive", "60000",
                "tether.pubsub.max-lifetime", "0"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Upstash SSE subscribe    | POST | redis/subscribe/gone1     | gone1   | gone1",
        "Upstash SSE psubscribe   | POST | redis/psubscribe/gone2:*  | gone2:* | gone2:x",
        "Webdis chunked SUBSCRIBE | GET  | webdis/SUBSCRIBE/gone3    | gone3   | gone3",
        "/api/channels events     | GET  | api/channels/gone4/events | gone4   | gone4",
    })
    void closedSubscribersAreCleanedUpAtOnce(String route, String method, String path, String topic, String channel) {
        URI base = Tether.base(url);
        boolean pattern = topic.endsWith("*");
        List<SseClient> clients = new ArrayList<>();
        try (RespClient resp = redis.client()) {
            for (int i = 0; i < CLIENTS; i++) {
                SseClient c = SseClient.open(base, method, path, TOKEN,
                        path.startsWith("webdis") ? null : "text/event-stream", method.equals("POST") ? "[]" : null, false);
                clients.add(c);
                assertEquals(200, c.status(), c::body); // the head comes with the subscription's confirmation
            }
            assertEquals(1L, subscribedInRedis(resp, topic, pattern));
            assertSubscribers(CLIENTS);

            SseClient stays = clients.remove(0);
            for (int i = 0; i < clients.size(); i++) {
                if (i % 2 == 0) {
                    clients.get(i).close();
                } else {
                    clients.get(i).abort();
                }
            }
            long gone = awaitSubscribers(1);
            if (!Tether.onWildFly()) {
                System.out.println(route + ": " + clients.size() + " closed streams gone in " + gone + " ms");
            }
            assertTrue(gone <= WITHIN, route + ": the closed streams went after " + gone + " ms");
            assertEquals(1L, subscribedInRedis(resp, topic, pattern), "the one left keeps the Redis subscription");
            assertEquals(1L, resp.call("PUBLISH", channel, "still here"));
            String event = stays.next(e -> e.contains("still here"), T);
            assertTrue(event != null && !event.equals(SseClient.END), route + ": the one left got " + event);

            long start = System.nanoTime();
            stays.abort();
            long unsubscribed = awaitInRedis(resp, topic, pattern, start);
            long last = awaitSubscribers(0);
            System.out.println(route + ": the last stream unsubscribed in Redis " + unsubscribed + " ms after its reset");
            assertTrue(unsubscribed <= WITHIN && last <= WITHIN, route + ": the last stream went after "
                    + unsubscribed + " ms (Redis) and " + last + " ms (gauge)");
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    /** PUBSUB NUMSUB of a channel, or NUMPAT for a pattern (each test has its own names, so NUMPAT is its own). */
    private static long subscribedInRedis(RespClient resp, String topic, boolean pattern) {
        return pattern ? (Long) resp.call("PUBSUB", "NUMPAT")
                : (Long) ((List<?>) resp.call("PUBSUB", "NUMSUB", topic)).get(1);
    }

    /** Ms from {@code start} until Redis shows no subscription to {@code topic}; fails after 10 s. */
    private static long awaitInRedis(RespClient resp, String topic, boolean pattern, long start) {
        while (subscribedInRedis(resp, topic, pattern) != 0) {
            assertTrue(System.nanoTime() - start < 10_000_000_000L, topic + " still subscribed in Redis after 10 s");
            pause(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Ms until the subscribers gauge shows {@code expected} (WildFly publishes no gauges: 0 there). */
    private long awaitSubscribers(int expected) {
        long start = System.nanoTime();
        if (Tether.onWildFly()) {
            return 0;
        }
        Http http = new Http(Tether.base(url), TOKEN);
        while (subscribers(http) != expected) {
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "subscribers gauge not " + expected + " after 10 s");
            pause(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private void assertSubscribers(int expected) {
        if (!Tether.onWildFly()) {
            assertEquals(expected, subscribers(new Http(Tether.base(url), TOKEN)));
        }
    }

    private static long subscribers(Http http) {
        String metrics = http.get("/metrics?scope=application").body();
        Matcher m = Pattern.compile("^tether_pubsub_subscribers(?:\\{[^}]*\\})? ([0-9.]+)", Pattern.MULTILINE)
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        return (long) Double.parseDouble(m.group(1));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
