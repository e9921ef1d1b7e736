package dev.tether.gateway.webdis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
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
 * The Webdis WebSocket's limits with small settings (frame size, rate, outbox) and the {@code .raw} socket's RESP
 * frames, against real Payara and a private Redis checked by an independent RESP client.
 */
@TetherIT
@RunAsClient
class WebdisSocketIT {

    static final int MAX_FRAME = 1024;
    static final int RATE = 10;
    static final int OUTBOX = 16;
    static final int PENDING = 40;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    RespClient resp;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(), // no token: loopback callers
                "tether.webdis.ws-max-frame", Integer.toString(MAX_FRAME),
                "tether.webdis.ws-rate", Integer.toString(RATE),
                "tether.webdis.ws-outbox", Integer.toString(OUTBOX),
                "tether.webdis.ws-pending", Integer.toString(PENDING)));
    }

    @BeforeEach
    void setUp() {
        resp = redis.client();
    }

    @Test
    @Tag("smoke")
    void aFrameOverTheLimitCloses1009() throws Exception {
        try (WebdisClient ws = WebdisClient.open(url, ".json", false)) {
            String fits = frameOfBytes("big", MAX_FRAME, "x");
            assertEquals(MAX_FRAME, fits.getBytes(StandardCharsets.UTF_8).length);
            ws.text(fits);
            assertEquals("{\"SET\":[true,\"OK\"]}", ws.nextText());
            ws.text(frameOfBytes("big", MAX_FRAME + 1, "x"));
            WebdisClient.Closed closed = ws.closing();
            assertEquals(1009, closed.code(), closed::toString);
            // Tyrus leaves the check to Tether; Undertow applies the same limit itself and names it its own way
            assertTrue(closed.reason().contains("tether.webdis.ws-max-frame")
                    || Tether.onWildFly() && closed.reason().contains("max message size of " + MAX_FRAME), closed::toString);
        }
        // bytes, not characters: 2-byte characters put a frame of fewer than MAX_FRAME chars over the limit
        try (WebdisClient ws = WebdisClient.open(url, ".json", false)) {
            String wide = frameOfBytes("wide", MAX_FRAME + 2, "é");
            assertTrue(wide.length() < MAX_FRAME);
            ws.text(wide);
            assertEquals(1009, ws.closing().code());
        }
        try (WebdisClient ws = WebdisClient.open(url, ".raw", false)) {
            ws.binary(RespClient.encode("SET", "bigraw", "y".repeat(MAX_FRAME)));
            assertEquals(1009, ws.closing().code());
        }
        assertEquals(MAX_FRAME - "[\"SET\",\"big\",\"\"]".length(), resp.text("GET", "big").length());
        assertEquals(null, resp.call("GET", "wide"));
        assertEquals(null, resp.call("GET", "bigraw"));
    }

    @Test
    @Tag("smoke")
    void overTheRateACommandIsNotRunAndGetsAnErrorFrameInItsPlace() throws Exception {
        resp.call("DEL", "rate");
        try (WebdisClient ws = WebdisClient.open(url, ".json", false)) {
            // more than the rate allows, fewer than the outbox holds: Undertow writes frames one at a time, so a
            // burst of more replies than ws-outbox frames would close the socket there as too slow (as documented)
            int sent = OUTBOX - 1;
            for (int i = 0; i < sent; i++) {
                ws.text("[\"INCR\",\"rate\"]");
            }
            int ran = 0;
            int refused = 0;
            for (int i = 0; i < sent; i++) { // one frame per command, in order (the bucket may refill meanwhile)
                String frame = ws.nextText();
                if (frame.startsWith("{\"INCR\":")) {
                    assertEquals("{\"INCR\":" + (++ran) + "}", frame);
                } else {
                    JsonObject error = (JsonObject) Http.parse(frame);
                    assertTrue(error.getBoolean("error"), frame);
                    assertEquals(429, error.getInt("http_status"), frame);
                    assertTrue(error.getString("message").contains("tether.webdis.ws-rate"), frame);
                    refused++;
                }
            }
            assertEquals(sent, ran + refused);
            assertTrue(ran >= RATE && ran < sent, "ran " + ran + " of " + sent);
            assertEquals(Integer.toString(ran), resp.text("GET", "rate")); // exactly the answered ones ran
            Thread.sleep(1100); // the bucket refills
            ws.text("[\"INCR\",\"rate\"]");
            assertEquals("{\"INCR\":" + (ran + 1) + "}", ws.nextText());
            assertFalse(ws.closed.isDone());
        }
    }

    @Test
    @Tag("smoke")
    void commandsPilingUpBehindABlockingOneClose1008() throws Exception {
        try (WebdisClient ws = WebdisClient.open(url, ".json", false)) {
            ws.text("[\"BLPOP\",\"never\",\"5\"]"); // the socket's next commands wait for it, in order
            try {
                for (int i = 0; i < PENDING + 5 && !ws.closed.isDone(); i++) {
                    ws.text("[\"PING\"]");
                }
            } catch (java.util.concurrent.CompletionException closedMeanwhile) {
                // the server closed while the last PINGs were being sent
            }
            WebdisClient.Closed closed = ws.closing();
            assertEquals(1008, closed.code(), closed::toString);
            assertEquals("too slow: more than " + PENDING + " commands waiting (tether.webdis.ws-pending)", closed.reason());
        }
    }

    @Test // Payara only: it watches the subscriber gauge, which WildFly 39 (no MicroProfile Metrics) does not publish
    void aClientThatStopsReadingIsClosed1008WhileAnotherGetsEveryMessage() throws Exception {
        Http http = new Http(Tether.base(url), null);
        try (WebdisClient reader = WebdisClient.open(url, ".json", false);
                WebdisClient stalled = WebdisClient.open(url, ".json", true)) {
            reader.text("[\"SUBSCRIBE\",\"flood\"]");
            assertEquals("{\"SUBSCRIBE\":[\"subscribe\",\"flood\",1]}", reader.nextText());
            stalled.text("[\"SUBSCRIBE\",\"flood\"]");
            awaitSubscribers(http, 2);
            String padding = "p".repeat(16_000);
            int sent = 0;
            boolean evicted = false;
            long deadline = System.nanoTime() + 90_000_000_000L;
            // batches of 50 messages of 16 KB, each read by the reader, until the stalled client is dropped
            while (!evicted && sent < 4000 && System.nanoTime() < deadline) {
                for (int k = 0; k < 50; k++) {
                    resp.call("PUBLISH", "flood", sent++ + " " + padding);
                }
                for (int i = sent - 50; i < sent; i++) {
                    String frame = reader.nextText();
                    assertTrue(frame.startsWith("{\"SUBSCRIBE\":[\"message\",\"flood\",\"" + i + " p"), () -> frame.substring(0, 60));
                }
                evicted = subscribers(http) == 1;
            }
            assertTrue(evicted, "the stalled client still subscribed after " + sent + " messages");
            System.out.printf("webdis slow consumer: released after %d messages of 16 KB%n", sent);
            reader.text("[\"PING\"]"); // the other socket goes on
            assertEquals("{\"PING\":[true,\"PONG\"]}", reader.nextText());

            stalled.resume();
            WebdisClient.Closed closed = stalled.closing();
            assertEquals(1008, closed.code(), closed::toString);
            assertTrue(closed.reason().startsWith("too slow: more than " + OUTBOX + " frames"), closed::toString);
            int messages = 0;
            for (WebdisClient.Frame f; (f = stalled.frames.poll()) != null; ) {
                messages += f.text().contains("\"message\"") ? 1 : 0;
            }
            assertTrue(messages < sent, "the stalled client got " + messages + " of " + sent);
            System.out.printf("webdis slow consumer: it read %d messages, then close %d%n", messages, closed.code());
        }
        awaitSubscribers(http, 0);
    }

    @Test
    @Tag("smoke")
    void rawSocketTakesRespFramesBinarySafe() throws Exception {
        byte[] value = new byte[256];
        new Random(3).nextBytes(value);
        try (WebdisClient ws = WebdisClient.open(url, ".raw", false)) {
            ws.text("*3\r\n$3\r\nSET\r\n$2\r\nrk\r\n$2\r\nrv\r\n");
            assertEquals("+OK\r\n", ws.nextText());
            ws.binary(RespClient.encode("SET", "bin", value)); // not UTF-8: a binary frame
            assertEquals("+OK\r\n", ws.nextText());
            assertArrayEquals(value, (byte[]) resp.call("GET", "bin"));
            ws.text("*2\r\n$3\r\nGET\r\n$3\r\nbin\r\n");
            WebdisClient.Frame reply = ws.next();
            assertEquals(null, reply.text(), "a reply that is not UTF-8 comes as a binary frame");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes("$256\r\n".getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(value);
            expected.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected.toByteArray(), reply.binary());
            ws.text("*3\r\n$6\r\nINCRBY\r\n$3\r\nctr\r\n:5\r\n"); // an integer item is its decimal text, as in Webdis
            assertEquals(":5\r\n", ws.nextText());
            ws.text("[\"GET\",\"rk\"]"); // JSON arrays are still understood on .raw
            assertEquals("$2\r\nrv\r\n", ws.nextText());
            ws.text("*2\r\n$3\r\nGET\r\n"); // cut short
            assertTrue(ws.nextText().startsWith("-ERR the RESP array ends after 1 items"));
            ws.text("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"); // two commands in one frame
            assertTrue(ws.nextText().startsWith("-ERR 14 bytes after the command"));
            ws.text("*1\r\n$5\r\nMULTI\r\n");
            assertTrue(ws.nextText().startsWith("-ERR "));
            ws.text("*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nrc\r\n");
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$2\r\nrc\r\n$1\r\n1\r\n", ws.nextText());
            resp.call("PUBLISH", "rc", value);
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes("*3\r\n$7\r\nmessage\r\n$2\r\nrc\r\n".getBytes(StandardCharsets.US_ASCII));
            message.writeBytes(expected.toByteArray());
            assertArrayEquals(message.toByteArray(), ws.next().bytes());
            assertFalse(ws.closed.isDone());
        }
        // on .json a RESP frame is a bad frame: an error frame in Webdis's shape, the socket stays open
        try (WebdisClient ws = WebdisClient.open(url, ".json", false)) {
            ws.text("*2\r\n$3\r\nGET\r\n$2\r\nrk\r\n");
            JsonObject error = (JsonObject) Http.parse(ws.nextText());
            assertEquals(400, error.getInt("http_status"));
            assertTrue(error.getString("message").contains("JSON array"), error::toString);
            ws.text("[\"GET\",\"rk\"]");
            assertEquals("{\"GET\":\"rv\"}", ws.nextText());
        }
    }

    /** A JSON SET frame of exactly {@code bytes} UTF-8 bytes, its value made of {@code unit}. */
    private static String frameOfBytes(String key, int bytes, String unit) {
        String empty = "[\"SET\",\"" + key + "\",\"\"]";
        int room = bytes - empty.length();
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        String value = unit.repeat(room / unitBytes) + "x".repeat(room % unitBytes);
        return "[\"SET\",\"" + key + "\",\"" + value + "\"]";
    }

    private static int subscribers(Http http) {
        String metrics = http.get("/metrics?scope=application").body();
        Matcher m = Pattern.compile("^tether_pubsub_subscribers(?:\\{[^}]*\\})? ([0-9.]+)", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), metrics);
        return (int) Double.parseDouble(m.group(1));
    }

    private static void awaitSubscribers(Http http, int expected) throws InterruptedException {
        int now = -1;
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; Thread.sleep(100)) {
            if ((now = subscribers(http)) == expected) {
                return;
            }
        }
        throw new AssertionError("pub/sub subscribers: " + now + ", expected " + expected);
    }
}
