package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backpressure and fan-out: a client that stops reading, and 1,000 connections in one room. */
@TetherIT
@RunAsClient
class ChatLoadIT {

    static RedisServer redis;

    @ArquillianResource
    URL url;

    URI base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // the rate limit is tested in ChatIT; here one sender has to outpace a stalled reader
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.chat.rate-per-second", "100000",
                "tether.chat.rate-burst", "100000",
                // 16 KB messages: the stalled socket's kernel and Grizzly buffers (about 11 MB here) fill with fewer frames
                "tether.chat.max-text-length", "16384",
                // the readers are read one after another with up to two batches (100 × 16 KB = 1.6 MB) in flight each;
                // the default 1 MiB bound held only while kernel buffers absorbed the rest of a slower server's output
                "tether.chat.outbox-bytes", "4194304"));
    }

    @BeforeEach
    void setUp() {
        base = Tether.base(url);
    }

    @Test
    void aClientThatStopsReadingIsClosedWhileFiftyOthersGetEveryMessageInOrder() throws Exception {
        List<ChatSocket> readers = new ArrayList<>();
        int[] expected = new int[50];
        boolean slowLeft = false;
        int sent = 0;
        try (RawWebSocket stalled = new RawWebSocket(ChatSocket.uri(base, "slow", "stalled", null), null, 4096)) {
            assertEquals(101, stalled.status);
            for (int i = 0; i < 50; i++) {
                readers.add(ChatSocket.joined(base, "slow", "r" + i));
            }
            ChatSocket sender = readers.get(0);
            String padding = "p".repeat(16_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            // batches of 50, each read by all 50 readers before the next, until the stalled client is evicted
            for (int batch = 0; batch < 80 && (!slowLeft || batch % 4 != 0) && System.nanoTime() < deadline; batch++) {
                for (int k = 0; k < 50; k++) {
                    sender.say(sent++ + " " + padding);
                }
                for (int r = 0; r < 50; r++) { // one batch in flight while the previous is checked
                    slowLeft |= readUpTo(readers.get(r), Math.max(0, sent - 50), expected, r);
                }
            }
            for (int r = 0; r < 50; r++) {
                slowLeft |= readUpTo(readers.get(r), sent, expected, r);
            }
            assertTrue(slowLeft, "the stalled client was not evicted after " + sent + " messages");
            System.out.printf("slow consumer: evicted; %d messages of 16 KB reached all 50 readers in order%n", sent);

            String metrics = new Http(base.resolve("/"), null).get("metrics?scope=application").body();
            assertTrue(metrics.contains("tether_chat_evictions_total{mp_scope=\"application\"} 1"), metrics);

            // the stalled client finally reads: part of what was sent, then a 1008 close frame, or the end of the
            // stream when the server dropped the connection because the close frame could not be written
            stalled.soTimeout(15_000);
            int frames = 0;
            int messages = 0;
            RawWebSocket.Frame frame = null;
            try {
                while ((frame = stalled.read()).opcode() != 0x8 && frames < 100_000) {
                    frames++;
                    messages += frame.opcode() == 0x1 ? frame.events("message").size() : 0; // a frame may carry several
                }
                assertEquals(1008, frame.closeCode());
                assertEquals("too slow", frame.closeReason());
            } catch (java.io.EOFException droppedByServer) {
                System.out.println("slow consumer: connection dropped after " + frames + " frames, " + messages + " messages");
            }
            assertTrue(messages < sent, "the stalled client got " + messages + " of " + sent + " messages");
            readers.forEach(ChatSocket::closeAsync);
            assertAllUnregistered();
        } finally {
            readers.forEach(ChatSocket::closeAsync);
        }
    }

    /** Every close reaches the hub: the connections gauge drops to 0 (a deadlock in unregistering would keep it up). */
    private void assertAllUnregistered() throws InterruptedException {
        Http http = new Http(base.resolve("/"), null);
        String line = "";
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < end; Thread.sleep(200)) {
            line = http.get("metrics?scope=application").body().lines()
                    .filter(l -> l.startsWith("tether_chat_connections{")).findFirst().orElse("");
            if (line.endsWith(" 0")) {
                return;
            }
        }
        throw new AssertionError("chat connections still registered 30 s after closing them all: " + line);
    }

    /** Reads reader r's frames until message number {@code upTo - 1}; true if it saw the stalled client leave. */
    private static boolean readUpTo(ChatSocket reader, int upTo, int[] expected, int r) {
        boolean slowLeft = false;
        while (expected[r] < upTo) {
            JsonObject frame = reader.next(Duration.ofSeconds(10));
            switch (frame.getString("type")) {
                case "message" -> {
                    String text = frame.getString("text");
                    assertEquals(expected[r], Integer.parseInt(text.substring(0, text.indexOf(' '))), "reader " + r);
                    expected[r]++;
                }
                case "leave" -> {
                    assertEquals("stalled", frame.getString("name"), "reader " + r + " saw a leave: " + frame);
                    slowLeft = true;
                }
                case "join" -> {
                    // readers joining after this one
                }
                default -> throw new AssertionError("reader " + r + " got " + frame);
            }
        }
        return slowLeft;
    }

    @Test
    void aThousandConnectionsInOneRoomAllGetEveryMessage() throws Exception {
        int n = 1000;
        List<ChatSocket> sockets = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long start = System.nanoTime();
            List<Future<ChatSocket>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                URI uri = ChatSocket.uri(base, "big", "u" + i, null);
                opening.add(pool.submit(() -> {
                    ChatSocket socket = ChatSocket.open(uri, true);
                    sockets.add(socket);
                    socket.next("welcome");
                    socket.next("presence");
                    socket.next("history");
                    return socket;
                }));
            }
            List<ChatSocket> all = new ArrayList<>();
            for (Future<ChatSocket> f : opening) {
                all.add(f.get(60, TimeUnit.SECONDS));
            }
            long opened = System.nanoTime();
            System.out.printf("1000 connections: all joined in %d ms%n", (opened - start) / 1_000_000);
            // presence in a big room: the batched join events bring every member's list to all 1,000 names
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    System.nanoTime() < end && !all.stream().allMatch(s -> s.users.size() == n); ) {
                Thread.sleep(50);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(n, all.get(i).users.size(), "socket " + i + "'s online list");
                assertTrue(all.get(i).users.contains("u" + (n - 1 - i)), "socket " + i + " misses u" + (n - 1 - i));
            }
            System.out.printf("1000 connections: every online list complete %d ms after the last join%n",
                    (System.nanoTime() - opened) / 1_000_000);

            for (int m = 0; m < 5; m++) {
                long sentAt = System.nanoTime();
                all.get(m * 7).say("to everyone " + m);
                long slowest = 0;
                for (int i = 0; i < n; i++) {
                    JsonObject frame = all.get(i).next(Duration.ofSeconds(20));
                    assertEquals("message", frame.getString("type"), "socket " + i);
                    assertEquals("to everyone " + m, frame.getString("text"), "socket " + i);
                    assertEquals("u" + m * 7, frame.getString("from"));
                    slowest = Math.max(slowest, System.nanoTime() - sentAt);
                }
                System.out.printf("1000 connections: message %d reached all within %d ms%n", m, slowest / 1_000_000);
            }
            for (ChatSocket socket : all) {
                assertTrue(socket.inbox.isEmpty(), "an extra frame: " + socket.inbox.peek());
            }
            all.forEach(ChatSocket::closeAsync);
            assertAllUnregistered();
        } finally {
            pool.shutdownNow();
            sockets.forEach(ChatSocket::closeAsync);
        }
    }
}
