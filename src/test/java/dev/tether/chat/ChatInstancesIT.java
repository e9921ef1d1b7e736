package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.PayaraProcess;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import jakarta.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Tether instances (Payara Micro processes, A and B) on one private redis-server: messages, presence, recovery
 * and a Redis outage across instances. Redis keeps an fsync-always AOF so a kill -9 loses no acknowledged write.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatInstancesIT {

    static final long EXPIRY = 3000;
    static final long MERGE_WINDOW = 200;
    static RedisServer redis;
    static PayaraProcess a;
    static PayaraProcess b;

    @BeforeAll
    static void start() {
        redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
        Map<String, String> env = Map.of(
                "TETHER_REDIS_URL", redis.url(),
                "TETHER_REDIS_POOL_SIZE", "4",
                "TETHER_REDIS_MIN_IDLE", "4",
                "TETHER_CHAT_INSTANCE_EXPIRY", Long.toString(EXPIRY),
                "TETHER_CHAT_PRESENCE_SYNC", "200",
                // long, so a new room that waited for the blocked read to time out (no CLIENT UNBLOCK) would show
                "TETHER_CHAT_FEED_BLOCK", "10000",
                "TETHER_CHAT_RATE_PER_SECOND", "50",
                "TETHER_CHAT_RATE_BURST", "100",
                // wide, so the test of it cannot miss by a scheduling hiccup; the other tests run with merging on
                "TETHER_CHAT_MERGE_WINDOW", Long.toString(MERGE_WINDOW));
        // one after the other: two starting at once on a busy 2-core machine may take longer than the start timeout
        a = PayaraProcess.start(env, new File("target/failsafe-reports/ChatInstancesIT-a.log"), Duration.ofSeconds(420));
        b = PayaraProcess.start(env, new File("target/failsafe-reports/ChatInstancesIT-b.log"), Duration.ofSeconds(420));
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
    @Order(1)
    void numberedMessagesFromBothInstancesReachEveryClientOnceInOneOrder() throws Exception {
        List<ChatSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                clients.add(ChatSocket.joined(a.base(), "order", "a" + i));
                clients.add(ChatSocket.joined(b.base(), "order", "b" + i));
            }
            List<ChatSocket> senders = List.of(clients.get(0), clients.get(1), clients.get(2), clients.get(3));
            int each = 50;
            for (int n = 0; n < each; n++) {
                for (int s = 0; s < senders.size(); s++) {
                    senders.get(s).say("s" + s + " " + n);
                }
                Thread.sleep(20);
            }
            int total = each * senders.size();
            List<String> reference = null;
            for (int c = 0; c < clients.size(); c++) {
                List<JsonObject> got = clients.get(c).messages(total, Duration.ofSeconds(30));
                List<String> ids = got.stream().map(m -> m.getString("id")).toList();
                assertEquals(total, new HashSet<>(ids).size(), "client " + c + " got a duplicate");
                int[] next = new int[senders.size()];
                for (JsonObject m : got) {
                    String[] parts = m.getString("text").split(" ");
                    int s = Integer.parseInt(parts[0].substring(1));
                    assertEquals(next[s]++, Integer.parseInt(parts[1]), "client " + c + ": sender " + s + " out of order");
                }
                if (reference == null) {
                    reference = ids;
                } else {
                    assertEquals(reference, ids, "client " + c + " saw another order");
                }
                for (int i = 1; i < ids.size(); i++) {
                    assertTrue(ChatStore.compare(ChatStore.parseId(ids.get(i - 1)), ChatStore.parseId(ids.get(i))) < 0,
                            "not in stream order: " + ids.get(i - 1) + " then " + ids.get(i));
                }
            }
            Thread.sleep(300);
            for (ChatSocket c : clients) {
                assertTrue(c.inbox.stream().noneMatch(e -> "message".equals(e.getString("type"))),
                        "an extra message: " + c.inbox);
            }
        } finally {
            clients.forEach(ChatSocket::closeAsync);
        }
    }

    @Test
    @Order(3)
    void reconnectingToTheOtherInstanceWithSinceLosesNothing() throws Exception {
        try (ChatSocket alice = ChatSocket.joined(a.base(), "recover", "alice");
                ChatSocket bob = ChatSocket.joined(b.base(), "recover", "bob")) {
            long sent = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                alice.say("first " + i);
            }
            List<JsonObject> seen = alice.messages(3, Duration.ofSeconds(10));
            bob.messages(3, Duration.ofSeconds(10));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertTrue(took < 5000, "a new room's first messages took " + took + " ms: the blocked read was not cut short");
            String last = seen.get(2).getString("id");
            alice.close();
            for (int i = 0; i < 4; i++) {
                bob.say("while away " + i);
            }
            bob.messages(4, Duration.ofSeconds(10));
            try (ChatSocket back = ChatSocket.open(ChatSocket.uri(b.base(), "recover", "alice", "since=" + last))) {
                back.next("welcome");
                back.next("presence");
                JsonObject history = back.next("history");
                List<String> texts = history.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                        .map(m -> m.getString("text")).toList();
                assertEquals(List.of("while away 0", "while away 1", "while away 2", "while away 3"), texts);
                assertTrue(history.getBoolean("complete"), history::toString);
                bob.say("after");
                assertEquals("after", back.messages(1, Duration.ofSeconds(10)).get(0).getString("text"));
            }
        }
    }

    @Test
    @Order(4)
    void anIdOlderThanTheStreamRetainsGivesCompleteFalse() {
        List<String> ids = new ArrayList<>();
        try (RespClient resp = redis.client()) {
            for (int i = 0; i < 5; i++) {
                ids.add(resp.text("XADD", ChatStore.key("trimmed"), "*", "from", "x", "text", "old " + i));
            }
            resp.call("XTRIM", ChatStore.key("trimmed"), "MAXLEN", "2");
        }
        try (ChatSocket lost = ChatSocket.open(ChatSocket.uri(a.base(), "trimmed", "late", "since=" + ids.get(0)));
                ChatSocket fine = ChatSocket.open(ChatSocket.uri(b.base(), "trimmed", "early", "since=" + ids.get(3)))) {
            lost.next("welcome");
            lost.next("presence");
            JsonObject history = lost.next("history");
            assertFalse(history.getBoolean("complete"), history::toString);
            assertEquals(2, history.getJsonArray("messages").size(), history::toString); // what is left: old 3, old 4
            fine.next("welcome");
            fine.next("presence");
            JsonObject all = fine.next("history");
            assertTrue(all.getBoolean("complete"), all::toString); // its last message is still there: old 4 follows
            assertEquals(1, all.getJsonArray("messages").size(), all::toString);
        }
    }

    @Test
    @Order(5)
    void redisConnectionsStayConstantFromOneRoomToFiveHundred() throws Exception {
        List<ChatSocket> clients = new ArrayList<>();
        try {
            clients.add(ChatSocket.joined(a.base(), "room-0", "one"));
            Thread.sleep(3000);
            int withOne = settledConnections();
            for (int i = 1; i < 500; i++) {
                clients.add(ChatSocket.joined(a.base(), "room-" + i, "u" + i));
            }
            clients.get(0).say("still live");
            assertEquals("still live", clients.get(0).messages(1, Duration.ofSeconds(10)).get(0).getString("text"));
            Thread.sleep(3000);
            int withFiveHundred = settledConnections();
            System.out.printf("Redis connections (both instances and the test's): 1 room %d, 500 rooms %d%n",
                    withOne, withFiveHundred);
            assertEquals(withOne, withFiveHundred);
        } finally {
            clients.forEach(ChatSocket::closeAsync);
        }
    }

    /** Connections older than 2 s (the health check opens a short-lived one every 500 ms). */
    private static int settledConnections() {
        try (RespClient resp = redis.client()) {
            return (int) resp.text("CLIENT", "LIST").lines()
                    .filter(l -> Integer.parseInt(l.replaceAll(".* age=(\\d+) .*", "$1")) >= 2).count();
        }
    }

    @Test
    @Order(6)
    void aRedisOutageIsReportedAndNothingAcknowledgedIsLostOrDuplicated() throws Exception {
        List<ChatSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(ChatSocket.joined(a.base(), "outage", "a" + i));
                clients.add(ChatSocket.joined(b.base(), "outage", "b" + i));
            }
            ChatSocket onA = clients.get(0);
            ChatSocket onB = clients.get(1);
            long start = System.nanoTime();
            boolean killed = false;
            boolean restarted = false;
            for (int n = 0; n < 120; n++) {
                onA.say("A " + n);
                onB.say("B " + n);
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (!killed && elapsed > 3000) {
                    redis.kill();
                    killed = true;
                } else if (killed && !restarted && elapsed > 8000) {
                    redis.restart();
                    restarted = true;
                }
                Thread.sleep(100);
            }
            assertTrue(restarted, "the loop ended before Redis was restarted");
            Thread.sleep(3000);
            Map<ChatSocket, List<JsonObject>> events = new HashMap<>();
            for (ChatSocket c : clients) {
                List<JsonObject> all = new ArrayList<>();
                c.inbox.drainTo(all);
                events.put(c, all);
                assertFalse(c.closed.isDone(), "a client was closed: " + (c.closed.isDone() ? c.closed.join() : ""));
                List<String> status = all.stream().filter(e -> "status".equals(e.getString("type")))
                        .map(e -> e.getString("redis")).toList();
                assertEquals(List.of("down", "up"), status, "status frames");
            }
            for (ChatSocket sender : List.of(onA, onB)) {
                assertTrue(events.get(sender).stream().anyMatch(e -> "error".equals(e.getString("type"))),
                        "no error frame for sends during the outage");
            }
            // acknowledged: what a sender got back as its own message; every client has all of it, once, in one order
            Set<String> acknowledged = new HashSet<>();
            for (ChatSocket sender : List.of(onA, onB)) {
                String mine = sender == onA ? "a0" : "b0";
                events.get(sender).stream().filter(e -> "message".equals(e.getString("type")) && mine.equals(e.getString("from")))
                        .forEach(e -> acknowledged.add(e.getString("id")));
            }
            List<String> reference = null;
            for (ChatSocket c : clients) {
                List<String> ids = events.get(c).stream().filter(e -> "message".equals(e.getString("type")))
                        .map(e -> e.getString("id")).toList();
                assertEquals(ids.size(), new HashSet<>(ids).size(), "a duplicate");
                assertTrue(ids.containsAll(acknowledged), "an acknowledged message is missing");
                if (reference == null) {
                    reference = ids;
                } else {
                    assertEquals(reference, ids);
                }
            }
            System.out.printf("Redis outage: %d messages acknowledged, %d delivered to all 6 clients%n",
                    acknowledged.size(), reference.size());
        } finally {
            clients.forEach(ChatSocket::closeAsync);
        }
    }

    @Test
    @Order(7)
    void presenceCrossesInstancesAndAKilledInstancesUsersLeave() throws Exception {
        try (ChatSocket alice = ChatSocket.joined(a.base(), "presence", "alice");
                ChatSocket bob = ChatSocket.joined(b.base(), "presence", "bob")) {
            await(() -> alice.users.contains("bob") && bob.users.contains("alice"), Duration.ofSeconds(10),
                    "alice " + alice.users + ", bob " + bob.users);
            try (ChatSocket carol = ChatSocket.joined(a.base(), "presence", "carol")) {
                assertTrue(carol.users.containsAll(Set.of("alice", "bob", "carol")), carol.users::toString);
            }
            b.killNow();
            long killed = System.nanoTime();
            await(() -> !alice.users.contains("bob"), Duration.ofMillis(EXPIRY + 5000), "bob still online " + alice.users);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("presence: bob's leave reached alice %d ms after kill -9 (expiry %d ms)%n", took, EXPIRY);
            assertTrue(took <= EXPIRY + 2000, took + " ms");
        }
    }

    @Test
    @Order(2)
    void aBurstFromUsersOnBothInstancesReachesEachMemberAsOneFrame() throws Exception {
        try (ChatSocket watchA = ChatSocket.joined(a.base(), "burst", "watch-a");
                ChatSocket watchB = ChatSocket.joined(b.base(), "burst", "watch-b");
                ChatSocket sayA = ChatSocket.joined(a.base(), "burst", "say-a");
                ChatSocket sayB = ChatSocket.joined(b.base(), "burst", "say-b")) {
            List<ChatSocket> all = List.of(watchA, watchB, sayA, sayB);
            Set<String> everyone = Set.of("watch-a", "watch-b", "say-a", "say-b");
            await(() -> all.stream().allMatch(c -> c.users.containsAll(everyone)), Duration.ofSeconds(10), "presence");
            // each instance reads a message from a user of the other: the room is one where several instances send
            sayA.say("hello from a");
            sayB.say("hello from b");
            for (ChatSocket c : all) {
                c.messages(2, Duration.ofSeconds(10));
            }
            Thread.sleep(MERGE_WINDOW + 300); // the presence flushes and merged frames of the above are all in
            int[] before = all.stream().mapToInt(c -> c.frames.get()).toArray();
            sayA.say("a1");
            sayB.say("b1");
            for (int i = 0; i < all.size(); i++) {
                ChatSocket c = all.get(i);
                List<String> texts = c.messages(2, Duration.ofSeconds(10)).stream().map(m -> m.getString("text")).toList();
                assertEquals(Set.of("a1", "b1"), Set.copyOf(texts), "member " + i);
                assertEquals(1, c.frames.get() - before[i], "member " + i + " got the burst in more than one frame");
            }
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String message)
            throws InterruptedException {
        for (long end = System.nanoTime() + timeout.toNanos(); !condition.getAsBoolean(); Thread.sleep(50)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(message);
            }
        }
    }
}
