package dev.tether.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.SseClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pub/sub over Server-Sent Events at /redis/subscribe and /redis/psubscribe, with raw HTTP clients and a real
 * redis-server: the wire format, one Redis subscription for 200 subscribers, a subscriber that stops reading,
 * bad input, and a Redis kill -9 during a subscription (last).
 */
@TetherIT
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PubSubIT {

    static final String TOKEN = "pubsub-token";
    static final String READ_TOKEN = "pubsub-read";
    static final int QUEUE_MESSAGES = 200; // above the 100-message burst of the fan-out test
    static final long T = 10_000; // ms to wait for one event
    static RedisServer redis;

    @ArquillianResource
    URL url;

    URI base;
    Http http;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.readonly-token", READ_TOKEN,
                "tether.pubsub.queue-messages", Integer.toString(QUEUE_MESSAGES),
                "tether.pubsub.queue-bytes", "4194304",
                "tether.pubsub.keep-alive", "500",
                "tether.pubsub.max-name-bytes", "64",
                "tether.pubsub.max-channels-per-stream", "4",
                "tether.pubsub.close-timeout", "30000"));
    }

    @BeforeEach
    void setUp() {
        base = Tether.base(url);
        http = new Http(base, TOKEN);
    }

    @Test
    @Order(1)
    @Tag("smoke")
    void subscribeStreamsEventsAsTheSdkParsesThem() {
        try (SseClient news = SseClient.open(base, "redis/subscribe/news", TOKEN, "[]");
             SseClient several = SseClient.open(base, "redis/subscribe/a", READ_TOKEN, "[\"b\",\"c\"]");
             SseClient pattern = SseClient.open(base, "redis/psubscribe/news:*", TOKEN, "[]")) {
            assertEquals(200, news.status(), news::body);
            assertTrue(news.header("Content-Type").startsWith("text/event-stream"), news.header("Content-Type"));
            assertEquals("data: subscribe,news,1", news.nextData(T));
            assertEquals("data: subscribe,a,1", several.nextData(T));
            assertEquals("data: subscribe,b,2", several.nextData(T));
            assertEquals("data: subscribe,c,3", several.nextData(T));
            assertEquals("data: psubscribe,news:*,1", pattern.nextData(T));

            assertEquals("{\"result\":1}", http.post("redis", Http.command("PUBLISH", "news", "hello")).body());
            assertEquals("data: message,news,hello", news.nextData(T));
            http.post("redis", Http.command("PUBLISH", "news", "{\"a\":[1,2]}"));
            assertEquals("data: message,news,{\"a\":[1,2]}", news.nextData(T));
            http.post("redis", Http.command("PUBLISH", "news", "two\nlines, é"));
            assertEquals("data: message,news,two\ndata: lines, é", news.nextData(T));
            http.post("redis", Http.command("PUBLISH", "b", "to b"));
            assertEquals("data: message,b,to b", several.nextData(T));
            http.post("redis", Http.command("PUBLISH", "news:x", "hi"));
            assertEquals("data: pmessage,news:*,news:x,hi", pattern.nextData(T));

            // the read-only token subscribes but cannot publish
            Http.Result denied = new Http(base, READ_TOKEN).post("redis", Http.command("PUBLISH", "news", "x"));
            assertEquals(403, denied.status(), denied::toString);
            // keep-alive comments while idle
            assertEquals(": keep-alive", news.next(e -> e.startsWith(":"), T));
        }
        // gone clients are cleaned up at once and unsubscribed in Redis (PubSubDisconnectIT times it)
        awaitNumsub("news", 0);
        awaitNumsub("a", 0);
        awaitNumsub("news:*", -1);
    }

    @Test
    @Order(2)
    void twoHundredSubscribersShareOneRedisSubscription() throws Exception {
        int clients = 200;
        int messages = 100;
        List<SseClient> subscribers = new ArrayList<>();
        try (RespClient resp = redis.client()) {
            for (int i = 0; i < clients; i++) {
                subscribers.add(SseClient.open(base, "redis/subscribe/fan", TOKEN, "[]"));
            }
            for (SseClient s : subscribers) {
                assertEquals("data: subscribe,fan,1", s.nextData(T));
            }
            assertEquals(1L, numsub(resp, "fan"), "one Redis subscription");
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                assertEquals(1L, resp.call("PUBLISH", "fan", "m" + i));
            }
            for (SseClient s : subscribers) {
                for (int i = 0; i < messages; i++) {
                    assertEquals("data: message,fan,m" + i, s.nextData(T));
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("200 subscribers x 100 messages: all delivered in " + millis + " ms");
        } finally {
            subscribers.forEach(SseClient::close);
        }
        awaitNumsub("fan", 0);
    }

    @Test
    @Order(3)
    void aSubscriberThatStopsReadingIsDroppedAndNobodyElseNotices() throws Exception {
        String payload = "x".repeat(64 * 1024);
        int round = 20;
        int maxRounds = 60; // 77 MB: far more than kernel and container buffers hold for one connection
        List<SseClient> readers = new ArrayList<>();
        int published = 0;
        long before = evictions();
        try (RespClient resp = redis.client();
             SseClient stuck = SseClient.open(base, "POST", "redis/subscribe/slow", TOKEN, "text/event-stream", "[]", true)) {
            assertEquals(200, stuck.status());
            for (int i = 0; i < 3; i++) {
                readers.add(SseClient.open(base, "redis/subscribe/slow", TOKEN, "[]"));
                assertEquals("data: subscribe,slow,1", readers.get(i).nextData(T));
            }
            // in rounds the readers keep up with, until the stuck one is evicted
            while (evictions() == before && published < round * maxRounds) {
                for (int i = published; i < published + round; i++) {
                    resp.call("PUBLISH", "slow", i + ":" + payload);
                }
                for (SseClient r : readers) {
                    for (int i = published; i < published + round; i++) {
                        String event = r.nextData(T);
                        assertNotNull(event, "message " + i);
                        int n = i;
                        assertTrue(event.startsWith("data: message,slow," + i + ":"), () -> n + ": " + event.substring(0, 40));
                    }
                }
                published += round;
            }
            assertEquals(1, evictions() - before, "the stuck subscriber was evicted after " + published + " messages");
            System.out.println("the stuck subscriber was evicted after " + published + " messages of 64 KiB");
            for (int i = published; i < published + round; i++) {
                resp.call("PUBLISH", "slow", i + ":after");
            }
            for (SseClient r : readers) {
                for (int i = published; i < published + round; i++) {
                    assertEquals("data: message,slow," + i + ":after", r.nextData(T));
                }
            }
            // the stuck one reads again: what the kernel and the container held, then the final event, then the end
            stuck.resume();
            String last = null;
            int received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (String e; (e = stuck.next(T)) != null && !e.equals(SseClient.END) && System.nanoTime() < deadline; last = e) {
                if (e.startsWith("data: message")) {
                    received++;
                }
            }
            assertTrue(received < published, "the stuck subscriber got " + received + " of " + published);
            assertNotNull(last);
            String reason = last;
            assertTrue(last.startsWith("data: error,slow,too slow: more than " + QUEUE_MESSAGES + " messages"),
                    () -> reason.substring(0, Math.min(200, reason.length())));
            assertEquals(1L, numsub(resp, "slow"), "the readers keep the channel");
        } finally {
            readers.forEach(SseClient::close);
        }
        awaitNumsub("slow", 0);
    }

    private long evictions() {
        String metrics = http.get("/metrics?scope=application").body();
        Matcher m = Pattern.compile("^tether_pubsub_evictions_total(?:\\{[^}]*\\})? ([0-9.]+)", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), metrics);
        return (long) Double.parseDouble(m.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @Order(4)
    @CsvSource(delimiter = '|', value = {
        "missing channel       | POST | redis/subscribe             | pubsub-token | text/event-stream | []          | 400 | no channel",
        "missing after slash   | POST | redis/subscribe/            | pubsub-token | text/event-stream | []          | 400 | no channel",
        "missing pattern       | POST | redis/psubscribe            | pubsub-token | text/event-stream | []          | 400 | no pattern",
        "oversized name        | POST | redis/subscribe/NAME65      | pubsub-token | text/event-stream | []          | 400 | more than 64",
        "too many channels     | POST | redis/subscribe/a           | pubsub-token | text/event-stream | [\"b\",\"c\",\"d\",\"e\"] | 400 | more than 4",
        "body not an array     | POST | redis/subscribe/a           | pubsub-token | text/event-stream | {}          | 400 | JSON array",
        "malformed body        | POST | redis/subscribe/a           | pubsub-token | text/event-stream | [           | 400 | malformed JSON",
        "number in body        | POST | redis/subscribe/a           | pubsub-token | text/event-stream | [1]         | 400 | strings only",
        "wrong token           | POST | redis/subscribe/a           | wrong        | text/event-stream | []          | 401 | invalid token",
        "no token              | POST | redis/subscribe/a           | NONE         | text/event-stream | []          | 401 | missing token",
        "wrong Accept          | POST | redis/subscribe/a           | pubsub-token | application/json  | []          | 406 | Accept: text/event-stream",
        "PUT                   | PUT  | redis/subscribe/a           | pubsub-token | text/event-stream | []          | 405 | not allowed",
    })
    void badInputGets4xxJson(String name, String method, String path, String token, String accept, String body,
                             int status, String message) {
        String p = path.replace("NAME65", "n".repeat(65));
        try (SseClient c = SseClient.open(base, method, p, token.equals("NONE") ? null : token, accept, body, false)) {
            assertEquals(status, c.status(), c::body);
            assertTrue(c.header("Content-Type").startsWith("application/json"), c.header("Content-Type"));
            String error = ((JsonObject) Http.parse(c.body())).getString("error");
            assertTrue(error.contains(message), error);
        }
    }

    @Test
    @Order(5)
    void aStreamSurvivesARedisKillAndRestart() throws Exception {
        try (SseClient s = SseClient.open(base, "redis/subscribe/restart", TOKEN, "[]")) {
            assertEquals("data: subscribe,restart,1", s.nextData(T));
            try (RespClient resp = redis.client()) {
                resp.call("PUBLISH", "restart", "before");
            }
            assertEquals("data: message,restart,before", s.nextData(T));
            redis.kill();
            String down = s.next(e -> e.startsWith(": Redis unreachable"), T);
            assertNotNull(down, () -> "no notice of the outage: " + s.drain());
            redis.restart();
            String back = s.next(e -> e.startsWith(": resubscribed to channel restart"), 20_000);
            assertNotNull(back, () -> "no notice of the resubscription: " + s.drain());
            try (RespClient resp = redis.client()) {
                assertEquals(1L, numsub(resp, "restart"));
                resp.call("PUBLISH", "restart", "after");
            }
            assertEquals("data: message,restart,after", s.nextData(T));
        }
    }

    private static long numsub(RespClient resp, String channel) {
        return (Long) ((List<?>) resp.call("PUBSUB", "NUMSUB", channel)).get(1);
    }

    /** Waits for the channel's subscriber count in Redis (-1: a pattern, checked with PUBSUB NUMPAT = 0). */
    private static void awaitNumsub(String channel, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (RespClient resp = redis.client()) {
            Object now = null;
            while (System.nanoTime() < deadline) {
                now = expected < 0 ? resp.call("PUBSUB", "NUMPAT") : numsub(resp, channel);
                if (now.equals(expected < 0 ? 0L : expected)) {
                    return;
                }
                pause(50);
            }
            throw new AssertionError(channel + ": " + now + " subscribers in Redis, expected " + expected);
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
