package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.websocket.CloseReason;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The chat protocol and its limits, with the Tyrus client and a raw socket against Payara Micro. */
@TetherIT
@RunAsClient
class ChatIT {

    static final int PER_ADDRESS = 12;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    URI base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.chat.ping-interval", "300",
                "tether.chat.pong-timeout", "1500",
                "tether.chat.allowed-origins", "http://app.example",
                "tether.chat.max-connections-per-address", Integer.toString(PER_ADDRESS)));
    }

    @BeforeEach
    void setUp() {
        base = Tether.base(url);
    }

    @Test
    @Tag("smoke")
    void twoClientsChatInOneRoomButNotInAnother() {
        try (ChatSocket alice = ChatSocket.joined(base, "one", "alice");
                ChatSocket bob = ChatSocket.joined(base, "one", "bob");
                ChatSocket carol = ChatSocket.joined(base, "two", "carol")) {
            alice.next("join");
            alice.say("hi bob");
            JsonObject atBob = bob.next("message");
            assertEquals("alice", atBob.getString("from"));
            assertEquals("hi bob", atBob.getString("text"));
            assertEquals("one", atBob.getString("room"));
            assertTrue(atBob.getString("id").matches("\\d+-\\d+"), atBob::toString);
            assertTrue(Math.abs(atBob.getJsonNumber("ts").longValue() - System.currentTimeMillis()) < 60_000);
            assertEquals(atBob, alice.next("message"));

            carol.say("anyone?");
            // carol's next frame is her own message: nothing from room one came before it
            assertEquals("anyone?", carol.next("message").getString("text"));
        }
    }

    @Test
    void presenceJoinLeaveAndATakenNameGetsASuffix() {
        try (ChatSocket first = ChatSocket.open(base, "presence", " alice ")) {
            assertEquals("alice", first.next("welcome").getString("name"));
            assertEquals(List.of("alice"), users(first.next("presence")));
            first.next("history");
            try (ChatSocket second = ChatSocket.open(base, "presence", "Alice")) {
                JsonObject welcome = second.next("welcome");
                assertEquals("Alice-2", welcome.getString("name"));
                assertEquals("presence", welcome.getString("room"));
                assertEquals(List.of("alice", "Alice-2"), users(second.next("presence")));
                assertEquals("Alice-2", first.next("join").getString("name"));
            }
            assertEquals("Alice-2", first.next("leave").getString("name"));
            try (ChatSocket third = ChatSocket.joined(base, "presence", "bob")) {
                assertEquals("bob", first.next("join").getString("name"));
            }
            assertEquals("bob", first.next("leave").getString("name"));
        }
    }

    @Test
    @Tag("smoke")
    void historyOnConnectAndResumeWithSince() {
        List<String> ids = new ArrayList<>();
        try (ChatSocket w1 = ChatSocket.joined(base, "history", "w1"); ChatSocket w2 = ChatSocket.joined(base, "history", "w2")) {
            w1.next("join");
            for (int i = 0; i < 60; i++) { // two writers: each stays within its burst of 40
                ChatSocket writer = i % 2 == 0 ? w1 : w2;
                writer.say("m" + i);
                JsonObject echo = writer.next("message");
                assertEquals("m" + i, echo.getString("text"));
                ids.add(echo.getString("id"));
                (writer == w1 ? w2 : w1).next("message");
            }
        }
        try (ChatSocket late = ChatSocket.joined(base, "history", "late")) {
            List<JsonObject> history = late.history.getJsonArray("messages").getValuesAs(JsonObject.class);
            assertEquals(50, history.size());
            for (int i = 0; i < 50; i++) {
                assertEquals("m" + (i + 10), history.get(i).getString("text"));
                assertEquals(ids.get(i + 10), history.get(i).getString("id"));
                assertEquals("message", history.get(i).getString("type"));
                assertEquals(i % 2 == 0 ? "w1" : "w2", history.get(i).getString("from"));
            }
        }
        try (ChatSocket resumed = ChatSocket.open(ChatSocket.uri(base, "history", "again", "since=" + ids.get(40)))) {
            resumed.next("welcome");
            resumed.next("presence");
            List<JsonObject> after = resumed.next("history").getJsonArray("messages").getValuesAs(JsonObject.class);
            assertEquals(ids.subList(41, 60), after.stream().map(m -> m.getString("id")).toList());
        }
        // the history is the room's Redis stream, so it survives a restart of Tether
        assertEquals(60L, redis.client().call("XLEN", "tether:chat:history"));
    }

    @Test
    void malformedJsonAndUnknownTypesGetAnErrorAndTheConnectionStaysOpen() {
        try (ChatSocket client = ChatSocket.joined(base, "errors", "erin")) {
            client.send("{not json");
            assertEquals("malformed JSON", client.next("error").getString("error"));
            client.send("[1,2]");
            assertEquals("expected a JSON object", client.next("error").getString("error"));
            client.send("{\"type\":\"dance\"}");
            assertTrue(client.next("error").getString("error").startsWith("unknown type"));
            client.send("{\"text\":42}");
            client.next("error");
            client.send("{\"text\":\"still here\"}");
            assertEquals("still here", client.next("message").getString("text"));
            assertFalse(client.closed.isDone());
        }
    }

    @Test
    void tooLongTextIsRefusedAndAnOversizedFrameCloses1009() {
        try (ChatSocket client = ChatSocket.joined(base, "limits", "big")) {
            client.say("x".repeat(4096));
            assertEquals(4096, client.next("message").getString("text").length());
            client.say("x".repeat(4097));
            assertTrue(client.next("error").getString("error").contains("4096"));
            client.say("y".repeat(20_000));
            CloseReason reason = client.closeReason();
            assertEquals(1009, reason.getCloseCode().getCode(), reason::toString);
        }
    }

    @Test
    void floodingGetsErrorsThenA1008Close() throws Exception {
        // a raw socket: the server may close the TCP connection while the flood is still being written
        try (RawWebSocket flooder = new RawWebSocket(ChatSocket.uri(base, "flood", "flooder", null), null, 0)) {
            assertEquals(101, flooder.status);
            // it answers pings, so on a slow machine the pong timeout (1.5 s here) cannot close it before the flood does
            while (!answeringPings(flooder).text().contains("\"history\"")) {
                // joined: welcome, presence, history
            }
            try {
                for (int i = 0; i < 150; i++) {
                    flooder.sendText("{\"text\":\"spam " + i + "\"}");
                }
            } catch (java.io.IOException closedByServer) {
                // expected once the server has closed
            }
            int messages = 0;
            int errors = 0;
            RawWebSocket.Frame frame;
            while ((frame = answeringPings(flooder)).opcode() != 0x8) {
                if (frame.opcode() == 0x1) { // a frame may carry several events
                    messages += frame.events("message").size();
                    for (JsonObject error : frame.events("error")) {
                        assertTrue(error.getString("error").contains("rate limit"), frame.text());
                        errors++;
                    }
                }
            }
            assertEquals(1008, frame.closeCode());
            assertEquals("flooding", frame.closeReason());
            assertTrue(errors >= 1, "no rate-limit error before the close");
            assertTrue(messages <= 46, "echoed " + messages);
            // accepted messages are in the room's stream (echoes still pending at the close are not sent)
            long stored = 0;
            for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end && stored < 40; Thread.sleep(50)) {
                stored = (Long) redis.client().call("XLEN", "tether:chat:flood");
            }
            Thread.sleep(200);
            stored = (Long) redis.client().call("XLEN", "tether:chat:flood");
            assertTrue(stored >= 40 && stored <= 46, "accepted " + stored + " messages");
        }
    }

    /** The next frame that is not a ping; pings are answered with a pong. */
    private static RawWebSocket.Frame answeringPings(RawWebSocket socket) throws java.io.IOException {
        for (int i = 0; i < 10_000; i++) {
            RawWebSocket.Frame frame = socket.read();
            if (frame.opcode() != 0x9) {
                return frame;
            }
            try {
                socket.send(0xA, frame.payload());
            } catch (java.io.IOException closedByServer) {
                // the close frame follows
            }
        }
        throw new AssertionError("only pings");
    }

    @Test
    void badRoomsAndNamesAreRefusedWithAReason() {
        assertRefused("bad.room", "ok", "invalid room");
        assertRefused("r".repeat(65), "ok", "invalid room");
        assertRefused("bad!room", "ok", "invalid room");
        assertRefused("fine", "", "invalid name");
        assertRefused("fine", "   ", "invalid name");
        assertRefused("fine", "n".repeat(33), "invalid name");
        assertRefused("fine", "bell\u0007", "invalid name");
        try (ChatSocket ok = ChatSocket.joined(base, "R".repeat(64), "n".repeat(32))) {
            assertFalse(ok.closed.isDone());
        }
        try (ChatSocket noName = ChatSocket.open(ChatSocket.uri(base, "fine", null, null))) {
            assertTrue(noName.closeReason().getReasonPhrase().startsWith("invalid name"));
        }
    }

    private void assertRefused(String room, String name, String reasonStart) {
        try (ChatSocket socket = ChatSocket.open(ChatSocket.uri(base, room, name, null))) {
            CloseReason reason = socket.closeReason();
            assertEquals(1008, reason.getCloseCode().getCode(), reason::toString);
            assertTrue(reason.getReasonPhrase().startsWith(reasonStart), reason::toString);
            assertTrue(socket.inbox.isEmpty(), "a refused client got frames: " + socket.inbox);
        }
    }

    @Test
    @Tag("smoke")
    void aForeignOriginIsRefusedWith403() throws Exception {
        URI uri = ChatSocket.uri(base, "origin", "o", null);
        try (RawWebSocket foreign = new RawWebSocket(uri, "http://evil.example", 0)) {
            assertEquals(403, foreign.status);
        }
        try (RawWebSocket foreignPort = new RawWebSocket(uri, "http://127.0.0.1:1", 0)) {
            assertEquals(403, foreignPort.status);
        }
        try (RawWebSocket same = new RawWebSocket(uri, "http://127.0.0.1:" + uri.getPort(), 0)) {
            assertEquals(101, same.status);
            assertTrue(same.read().text().contains("welcome"));
        }
        try (RawWebSocket allowed = new RawWebSocket(uri, "http://app.example", 0)) {
            assertEquals(101, allowed.status);
        }
    }

    @Test
    void aClientThatNeverAnswersPingsIsClosedWhileOthersStay() throws Exception {
        try (ChatSocket polite = ChatSocket.joined(base, "heartbeat", "polite");
                RawWebSocket silent = new RawWebSocket(ChatSocket.uri(base, "heartbeat", "silent", null), null, 0)) {
            assertEquals(101, silent.status);
            long start = System.nanoTime();
            int pings = 0;
            RawWebSocket.Frame frame;
            while ((frame = silent.read()).opcode() != 0x8) {
                pings += frame.opcode() == 0x9 ? 1 : 0;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1008, frame.closeCode());
            assertTrue(frame.closeReason().startsWith("no pong"), frame.closeReason());
            assertTrue(millis >= 1200 && millis < 5000, "closed after " + millis + " ms");
            assertTrue(pings >= 2, "pings: " + pings);
            assertEquals("silent", polite.next("join").getString("name"));
            assertEquals("silent", polite.next("leave").getString("name"));
            polite.say("still open");
            assertEquals("still open", polite.next("message").getString("text"));
            assertFalse(polite.closed.isDone());
        }
    }

    @Test
    void connectionsPerAddressAreLimited() {
        List<ChatSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                sockets.add(ChatSocket.joined(base, "crowd", "c" + i));
            }
            try (ChatSocket extra = ChatSocket.open(base, "crowd", "extra")) {
                CloseReason reason = extra.closeReason();
                assertEquals(1008, reason.getCloseCode().getCode());
                assertEquals("too many connections from your address", reason.getReasonPhrase());
            }
            sockets.remove(0).close();
            try (ChatSocket again = ChatSocket.joined(base, "crowd", "again")) {
                assertFalse(again.closed.isDone());
            }
        } finally {
            sockets.forEach(ChatSocket::close);
        }
    }

    @Test
    void whileRedisIsDownMessagesGetAnErrorAndConnectionsStayOpen() {
        try (ChatSocket a = ChatSocket.joined(base, "outage", "a")) {
            redis.kill();
            try {
                // connected clients are told, and so is a client that connects meanwhile (after its welcome)
                assertEquals("down", a.next(Duration.ofSeconds(10)).getString("redis"));
                a.say("lost");
                assertEquals("message not sent: Redis did not answer", a.next(Duration.ofSeconds(10)).getString("error"));
                try (ChatSocket b = ChatSocket.open(base, "outage", "b")) {
                    b.next("welcome");
                    assertEquals("down", b.next("status").getString("redis"));
                    b.next("presence");
                    assertEquals(0, b.next(Duration.ofSeconds(10)).getJsonArray("messages").size());
                    assertEquals("history unavailable: Redis did not answer", b.next("error").getString("error"));
                }
            } finally {
                redis.restart();
            }
            String delivered = null;
            boolean up = false;
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // refusals come at once while Redis is still down: pause between tries, or 15 tries end in half a second
            for (int i = 0; delivered == null && i < 80 && System.nanoTime() < end; i++) {
                if (i > 0) {
                    RedisServer.sleep(250);
                }
                a.say("back " + i);
                for (JsonObject frame = a.next(Duration.ofSeconds(10)); ; frame = a.next(Duration.ofSeconds(10))) {
                    String type = frame.getString("type");
                    if (type.equals("message")) {
                        delivered = frame.getString("text");
                        break;
                    }
                    if (type.equals("error")) {
                        break; // Redis not reconnected yet: try again
                    }
                    if (type.equals("status")) {
                        assertEquals("up", frame.getString("redis"));
                        up = true;
                    }
                }
            }
            assertTrue(delivered != null && delivered.startsWith("back "), "no message delivered after Redis came back");
            // a stored message goes out at once, possibly before the health check saw Redis back: "up" follows,
            // possibly after presence held back while Redis was down (b's join and leave)
            while (!up) {
                JsonObject frame = a.next(Duration.ofSeconds(10));
                if (frame.getString("type").equals("status")) {
                    assertEquals("up", frame.getString("redis"));
                    up = true;
                } else {
                    assertTrue(Set.of("join", "leave").contains(frame.getString("type")), frame::toString);
                }
            }
            assertFalse(a.closed.isDone());
        }
    }

    @Test
    void metricsCountConnectionsRoomsAndMessages() {
        Http http = new Http(base.resolve("/"), null);
        try (ChatSocket client = ChatSocket.joined(base, "metrics", "m")) {
            client.say("count me");
            client.next("message");
            Http.Result result = http.get("metrics?scope=application");
            assertEquals(200, result.status(), result::toString);
            String metrics = result.body();
            assertTrue(gauge(metrics, "tether_chat_connections") >= 1, metrics);
            assertTrue(gauge(metrics, "tether_chat_rooms") >= 1, metrics);
            assertTrue(gauge(metrics, "tether_chat_messages_in_total") >= 1, metrics);
            assertTrue(gauge(metrics, "tether_chat_messages_out_total") >= 4, metrics);
            assertTrue(metrics.contains("tether_chat_evictions_total"), metrics);
            assertTrue(metrics.contains("tether_chat_messages_out_per_second"), metrics);
        }
    }

    private static double gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    private static List<String> users(JsonObject presence) {
        return presence.getJsonArray("users").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
