package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.PayaraProcess;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import jakarta.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the stream does not keep, on two instances (A and B) and one private redis-server: an instance that lags
 * beyond the stream's retention tells its clients with a {@code gap} frame; idle rooms' streams and presence keys
 * expire. The stream is short (10 entries, nodes of 2, so {@code MAXLEN ~} trims almost exactly).
 */
class ChatRetentionIT {

    static final int RETAINED = 10;
    static final long ROOM_EXPIRY = 4000;
    static final long INSTANCE_EXPIRY = 30_000;
    static RedisServer redis;
    static PayaraProcess a;
    static PayaraProcess b;

    @BeforeAll
    static void start() {
        redis = RedisServer.start("--stream-node-max-entries", "2");
        Map<String, String> env = Map.of(
                "TETHER_REDIS_URL", redis.url(),
                "TETHER_CHAT_STREAM_MAX_LENGTH", Integer.toString(RETAINED),
                "TETHER_CHAT_ROOM_EXPIRY", Long.toString(ROOM_EXPIRY),
                "TETHER_CHAT_INSTANCE_EXPIRY", Long.toString(INSTANCE_EXPIRY),
                "TETHER_CHAT_RATE_PER_SECOND", "100",
                "TETHER_CHAT_RATE_BURST", "200");
        a = PayaraProcess.start(env, new File("target/failsafe-reports/ChatRetentionIT-a.log"), Duration.ofSeconds(420));
        b = PayaraProcess.start(env, new File("target/failsafe-reports/ChatRetentionIT-b.log"), Duration.ofSeconds(420));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    @Test
    void anInstanceThatLagsBeyondRetentionSendsAGapFrame() throws Exception {
        try (ChatSocket alice = ChatSocket.joined(a.base(), "lag", "alice");
                ChatSocket bob = ChatSocket.joined(b.base(), "lag", "bob")) {
            bob.say("before");
            String before = next(alice, "message", Duration.ofSeconds(10)).getString("id");
            assertEquals(before, next(bob, "message", Duration.ofSeconds(10)).getString("id")); // bob's own, acknowledged
            a.freeze(true); // A reads nothing while bob sends four times what the stream keeps
            List<String> sent = new ArrayList<>();
            try {
                for (int i = 0; i < 4 * RETAINED; i++) {
                    bob.say("m" + i);
                }
                for (int i = 0; i < 4 * RETAINED; i++) {
                    try {
                        sent.add(next(bob, "message", Duration.ofSeconds(10)).getString("id"));
                    } catch (AssertionError e) {
                        throw new AssertionError("bob got " + sent.size() + " of his " + 4 * RETAINED + ": " + sent, e);
                    }
                }
                try (RespClient resp = redis.client()) {
                    long length = (Long) resp.call("XLEN", ChatStore.key("lag"));
                    assertTrue(length <= RETAINED + 2, "the stream kept " + length);
                }
            } finally {
                a.freeze(false);
            }
            // alice gets what A had read before it froze (nothing, or some first ones), then a gap, then the rest
            List<JsonObject> events = new ArrayList<>();
            JsonObject gap = null;
            String lastSeen = before;
            while (true) {
                JsonObject e = alice.inbox.poll(30, TimeUnit.SECONDS);
                assertNotNull(e, "no gap and no last message within 30 s; got " + events);
                if ("gap".equals(e.getString("type"))) {
                    assertTrue(gap == null, "two gaps: " + events);
                    gap = e;
                    assertEquals(lastSeen, e.getString("after"), "the gap starts after the last message alice got");
                } else if ("message".equals(e.getString("type"))) {
                    events.add(e);
                    lastSeen = e.getString("id");
                    if (lastSeen.equals(sent.get(sent.size() - 1))) {
                        break;
                    }
                }
            }
            assertNotNull(gap, "no gap frame: " + events);
            List<String> got = events.stream().map(m -> m.getString("id")).toList();
            int after = got.indexOf(gap.getString("next"));
            assertTrue(after >= 0, "the gap's next id is the first message after it: " + gap + " " + got);
            // in order, no duplicate: a prefix of what bob sent, then a suffix of it with the missing ones in between
            List<String> head = got.subList(0, after);
            List<String> tail = got.subList(after, got.size());
            assertEquals(sent.subList(0, head.size()), head);
            assertEquals(sent.subList(sent.size() - tail.size(), sent.size()), tail);
            assertTrue(head.size() + tail.size() < sent.size(), "nothing was missing: " + got);
            System.out.printf("gap: alice got %d before the gap and %d after it, of %d sent%n",
                    head.size(), tail.size(), sent.size());
        }
    }

    @Test
    void idleRoomsStreamsAndPresenceKeysExpire() throws Exception {
        try (ChatSocket alice = ChatSocket.joined(a.base(), "idle", "alice");
                ChatSocket bob = ChatSocket.joined(b.base(), "idle", "bob");
                RespClient resp = redis.client()) {
            alice.say("hello");
            assertEquals("hello", next(alice, "message", Duration.ofSeconds(10)).getString("text")); // her own
            assertEquals("hello", next(bob, "message", Duration.ofSeconds(10)).getString("text"));
            long ttl = (Long) resp.call("PTTL", ChatStore.key("idle"));
            assertTrue(ttl > 0 && ttl <= ROOM_EXPIRY, "stream PTTL " + ttl);
            long online = (Long) resp.call("PTTL", ChatPresence.onlineKey("idle"));
            assertTrue(online > 0 && online <= 2 * INSTANCE_EXPIRY, "online hash PTTL " + online);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROOM_EXPIRY + 5000);
            while ((Long) resp.call("EXISTS", ChatStore.key("idle")) == 1) {
                assertTrue(System.nanoTime() < end, "the idle room's stream did not expire");
                Thread.sleep(100);
            }
            // the room lives on: a new message recreates the stream and reaches both instances' clients
            bob.say("again");
            assertEquals("again", next(alice, "message", Duration.ofSeconds(10)).getString("text"));
            assertEquals("again", next(bob, "message", Duration.ofSeconds(10)).getString("text"));
            long renewed = (Long) resp.call("PTTL", ChatStore.key("idle"));
            assertTrue(renewed > 0 && renewed <= ROOM_EXPIRY, "stream PTTL after a new message " + renewed);
        }
    }

    /** The next event of {@code type}, skipping others (an error fails; a timeout names what was skipped). */
    private static JsonObject next(ChatSocket socket, String type, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<JsonObject> skipped = new ArrayList<>();
        while (true) {
            JsonObject e = socket.inbox.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + type + " within " + timeout + "; skipped " + skipped);
            }
            assertFalse("error".equals(e.getString("type")), e::toString);
            if (type.equals(e.getString("type"))) {
                return e;
            }
            skipped.add(e);
        }
    }
}
