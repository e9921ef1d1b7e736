package dev.tether.gateway.webdis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** The Webdis dialect at /webdis, every reply checked against what Redis holds (an independent RESP client). */
@TetherIT
@RunAsClient
class WebdisIT {

    static final String TOKEN = "webdis-full";
    static final String READ_TOKEN = "webdis-read";
    static RedisServer redis;

    @ArquillianResource
    URL url;

    Http http;
    RespClient resp;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.readonly-token", READ_TOKEN,
                "tether.http.max-body", "1048576",
                "tether.webdis.acl", "disabled=SETRANGE,ECHO; user=admin enabled=SETRANGE"));
    }

    @BeforeEach
    void setUp() {
        http = new Http(Tether.base(url), TOKEN);
        resp = redis.client();
    }

    Http.Result get(String path, String... headers) {
        return http.get("webdis/" + path, headers);
    }

    static void assertReply(String body, Http.Result r) {
        assertEquals(200, r.status(), r::toString);
        assertEquals(body, r.body());
    }

    @Test
    @Tag("smoke")
    void jsonRepliesKeyedByTheCommandAsSent() {
        Http.Result set = get("SET/hello/world");
        assertReply("{\"SET\":[true,\"OK\"]}", set);
        assertEquals("application/json", set.header("content-type"));
        assertEquals("world", resp.text("GET", "hello"));
        assertReply("{\"GET\":\"world\"}", get("GET/hello"));
        assertReply("{\"get\":\"world\"}", get("get/hello"));
        assertReply("{\"GET\":null}", get("GET/missing"));
        assertReply("{\"PING\":[true,\"PONG\"]}", get("PING"));
        assertReply("{\"INCR\":[false,\"ERR value is not an integer or out of range\"]}", get("INCR/hello"));
        assertReply("{\"RPUSH\":3}", get("RPUSH/list/a/b/c"));
        assertEquals(List.of("a", "b", "c"), texts(resp.call("LRANGE", "list", "0", "-1")));
        assertReply("{\"LRANGE\":[\"a\",\"b\",\"c\"]}", get("LRANGE/list/0/-1"));
        assertReply("{\"SMEMBERS\":[]}", get("SMEMBERS/none"));
        assertReply("{\"GEOPOS\":[null]}", get("GEOPOS/none/x"));
        get("HSET/h/f/v/g/w");
        assertEquals("v", resp.text("HGET", "h", "f"));
        assertReply("{\"HGETALL\":{\"f\":\"v\",\"g\":\"w\"}}", get("HGETALL/h"));
        get("ZADD/z/1/a/2/b");
        assertReply("{\"ZRANGE\":[\"a\",\"1\",\"b\",\"2\"]}", get("ZRANGE/z/0/-1/WITHSCORES"));
        resp.call("XADD", "s", "1-1", "f", "v");
        assertReply("{\"XRANGE\":[[\"1-1\",[\"f\",\"v\"]]]}", get("XRANGE/s/-/%2B"));
        assertReply("{\"NOSUCH\":[false,\"ERR unknown command 'NOSUCH', with args beginning with: 'x' \"]}",
                get("NOSUCH/x"));
        JsonObject info = ((JsonObject) get("INFO/server").json()).getJsonObject("INFO");
        assertEquals(resp.text("INFO", "server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                .orElseThrow().substring(14).trim(), info.getString("redis_version"));
    }

    @Test
    void suffixes() {
        resp.call("DEL", "l");
        resp.call("RPUSH", "l", "a", "b", "c");
        resp.call("SET", "page", "<p>hi</p>");
        Http.Result raw = get("LRANGE/l/0/-1.raw");
        assertEquals("binary/octet-stream", raw.header("content-type"));
        assertEquals("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", raw.body());
        assertEquals("$-1\r\n", get("GET/none.raw").body());
        assertEquals("+PONG\r\n", get("PING.raw").body());
        Http.Result txt = get("LRANGE/l/0/-1.txt");
        assertEquals("text/plain", txt.header("content-type"));
        assertEquals("abc", txt.body());
        assertEquals("a,b,c", get("LRANGE/l/0/-1.txt?sep=,").body());
        assertEquals(404, get("GET/none.txt").status());
        Http.Result html = get("GET/page.html");
        assertEquals("text/html", html.header("content-type"));
        assertEquals("<p>hi</p>", html.body());
        for (String[] ext : new String[][] {{"xml", "text/xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"},
                {"jpeg", "image/jpeg"}, {"xhtml", "application/xhtml+xml"}}) {
            Http.Result r = get("GET/page." + ext[0]);
            assertEquals(ext[1], r.header("content-type"), ext[0]);
            assertEquals("<p>hi</p>", r.body());
        }
        Http.Result typed = get("GET/page?type=application/pdf");
        assertEquals("application/pdf", typed.header("content-type"));
        assertEquals("<p>hi</p>", typed.body());
        assertEquals(400, get("GET/page?type=bad%0d%0aX:%201").status());
        // an extension Webdis does not know stays part of the key, as in Webdis
        resp.call("SET", "file.tar", "tarball");
        assertReply("{\"GET\":\"tarball\"}", get("GET/file.tar"));
        assertEquals("tarball", get("GET/file.tar.txt").body());
    }

    /**
     * {@code .msg} byte for byte as Webdis's formats/msgpack.c writes it (Debian's webdis is built without msgpack,
     * so the expected bytes are written out here from that source), and decoded independently with msgpack-core.
     */
    @Test
    void messagePackBytesAsWebdisWritesThem() throws Exception {
        resp.call("DEL", "ml", "h", "hnone", "n", "neg", "big64", "ms");
        resp.call("SET", "m", "val");
        resp.call("RPUSH", "ml", "a", "12");
        resp.call("HSET", "h", "f", "v", "g", "w");
        resp.call("XADD", "ms", "1-1", "f", "v");
        resp.call("SET", "s32", "s".repeat(32));
        // a one-entry map {command as sent: value}; strings are msgpack-c's v4 raw: a0+n below 32, else da nn nn
        assertMsgpack("{\"GET\":\"val\"}", bytes(0x81, 0xa3, "GET", 0xa3, "val"), "GET/m.msg");
        assertMsgpack("{\"get\":\"val\"}", bytes(0x81, 0xa3, "get", 0xa3, "val"), "get/m.msg");
        assertMsgpack("{\"GET\":null}", bytes(0x81, 0xa3, "GET", 0xc0), "GET/missing.msg");
        assertMsgpack("{\"GET\":\"" + "s".repeat(32) + "\"}", bytes(0x81, 0xa3, "GET", 0xda, 0, 32, "s".repeat(32)),
                "GET/s32.msg"); // never str8 (d9)
        assertMsgpack("{\"SET\":[true,\"OK\"]}", bytes(0x81, 0xa3, "SET", 0x92, 0xc3, 0xa2, "OK"), "SET/m/val.msg");
        String error = "ERR value is not an integer or out of range";
        assertMsgpack("{\"INCR\":[false,\"" + error + "\"]}",
                bytes(0x81, 0xa4, "INCR", 0x92, 0xc2, 0xda, 0, error.length(), error), "INCR/m.msg");
        assertMsgpack("{\"INCRBY\":5}", bytes(0x81, 0xa6, "INCRBY", 0x05), "INCRBY/n/5.msg");
        assertMsgpack("{\"INCRBY\":305}", bytes(0x81, 0xa6, "INCRBY", 0xcd, 0x01, 0x31), "INCRBY/n/300.msg");
        assertMsgpack("{\"DECRBY\":-200}", bytes(0x81, 0xa6, "DECRBY", 0xd1, 0xff, 0x38), "DECRBY/neg/200.msg");
        assertMsgpack("{\"LRANGE\":[\"a\",\"12\"]}", bytes(0x81, 0xa6, "LRANGE", 0x92, 0xa1, "a", 0xa2, "12"),
                "LRANGE/ml/0/-1.msg");
        assertMsgpack("{\"MGET\":[\"val\",null]}", bytes(0x81, 0xa4, "MGET", 0x92, 0xa3, "val", 0xc0), "MGET/m/missing.msg");
        assertMsgpack("{\"SMEMBERS\":[]}", bytes(0x81, 0xa8, "SMEMBERS", 0x90), "SMEMBERS/none.msg");
        // inside an array only strings and integers keep their value: a nested array is nil, as in Webdis
        assertMsgpack("{\"XRANGE\":[null]}", bytes(0x81, 0xa6, "XRANGE", 0x91, 0xc0), "XRANGE/ms/-/%2B.msg");
        assertMsgpack("{\"HGETALL\":{\"f\":\"v\",\"g\":\"w\"}}",
                bytes(0x81, 0xa7, "HGETALL", 0x82, 0xa1, "f", 0xa1, "v", 0xa1, "g", 0xa1, "w"), "HGETALL/h.msg");
        assertMsgpack("{\"hgetall\":{}}", bytes(0x81, 0xa7, "hgetall", 0x80), "hgetall/hnone.msg");
        // a deliberate difference: Webdis packs integers with msgpack_pack_int (32 bits); Tether keeps all 64
        assertMsgpack("{\"INCRBY\":5000000000}", bytes(0x81, 0xa6, "INCRBY", 0xcf, 0, 0, 0, 0x01, 0x2a, 0x05, 0xf2, 0x00),
                "INCRBY/big64/5000000000.msg");
        Http.Result info = get("INFO/server.msg");
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(info.bytes())) {
            org.msgpack.value.Value value = u.unpackValue();
            assertTrue(!u.hasNext(), "one value");
            Map<org.msgpack.value.Value, org.msgpack.value.Value> lines = value.asMapValue().map()
                    .get(org.msgpack.value.ValueFactory.newString("INFO")).asMapValue().map();
            String version = resp.text("INFO", "server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElseThrow().substring(14).trim();
            assertEquals(version, lines.get(org.msgpack.value.ValueFactory.newString("redis_version")).asStringValue().asString());
            assertTrue(lines.keySet().stream().noneMatch(k -> k.asStringValue().asString().startsWith("#")), lines::toString);
        }
    }

    private void assertMsgpack(String decoded, byte[] expected, String path) throws Exception {
        Http.Result r = get(path);
        assertEquals(200, r.status(), r::toString);
        assertEquals("application/x-msgpack", r.header("content-type"), path);
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(r.bytes()), path);
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(r.bytes())) {
            assertEquals(decoded, u.unpackValue().toJson(), path);
            assertTrue(!u.hasNext(), path + ": bytes after the value");
        }
    }

    /** Bytes from ints (one byte each) and strings (their UTF-8). */
    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(part.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Test
    void escapesPostAndPut() {
        assertReply("{\"SET\":[true,\"OK\"]}", get("SET/k3/a+b%20c%2fd%2e"));
        assertEquals("a b c/d.", resp.text("GET", "k3"));
        Http.Result post = http.post("webdis/", "SET/posted/v%2f1");
        assertReply("{\"SET\":[true,\"OK\"]}", post);
        assertEquals("v/1", resp.text("GET", "posted"));
        assertReply("{\"GET\":\"v/1\"}", http.post("webdis", "GET/posted"));

        byte[] random = new byte[3 * 1024];
        new Random(11).nextBytes(random);
        Http.Result put = http.send(http.request("webdis/SET/blob").PUT(HttpRequest.BodyPublishers.ofByteArray(random)).build());
        assertReply("{\"SET\":[true,\"OK\"]}", put);
        assertArrayEquals(random, (byte[]) resp.call("GET", "blob"));
        assertArrayEquals(random, get("GET/blob.png").bytes());
    }

    @Test
    void etagAndJsonp() {
        resp.call("SET", "hello", "world");
        Http.Result r = get("GET/hello");
        assertEquals("\"8cf38afc245b7a6a88696566483d1390\"", r.header("etag")); // MD5 of the body, as Webdis
        Http.Result again = get("GET/hello", "If-None-Match", r.header("etag"));
        assertEquals(304, again.status());
        assertEquals(0, again.bytes().length);
        assertEquals(200, get("GET/hello", "If-None-Match", "\"other\"").status());
        assertEquals("cb({\"GET\":\"world\"});\n", get("GET/hello?jsonp=cb").body());
        assertEquals("cb({\"GET\":\"world\"});\n", get("GET/hello?callback=cb").body());
        assertEquals(400, get("GET/hello?jsonp=alert(1)//").status());
    }

    @Test
    void databasePrefixNeverLeavesAPooledConnectionElsewhere() {
        assertReply("{\"SET\":[true,\"OK\"]}", get("7/SET/k7/seven"));
        assertReply("{\"GET\":\"seven\"}", get("7/GET/k7"));
        assertReply("{\"GET\":null}", get("GET/k7"));
        try (RespClient db7 = redis.client()) {
            db7.call("SELECT", "7");
            assertEquals("seven", db7.text("GET", "k7"));
        }
        for (int i = 0; i < 40; i++) {
            get((i % 2 == 0 ? "3/" : "") + "SET/spread" + i + "/x");
        }
        for (int i = 0; i < 40; i++) {
            assertReply(i % 2 == 0 ? "{\"GET\":null}" : "{\"GET\":\"x\"}", get("GET/spread" + i));
        }
        String clients = resp.text("CLIENT", "LIST");
        assertTrue(clients.lines().allMatch(l -> l.contains(" db=0 ")), clients);
    }

    @Test
    void authAndAcl() {
        Http anonymous = new Http(Tether.base(url), null);
        Http.Result none = anonymous.get("webdis/GET/hello");
        assertEquals(401, none.status());
        assertTrue(none.header("www-authenticate").startsWith("Basic"));
        assertNotNull(((JsonObject) none.json()).getString("error"));
        assertEquals(200, anonymous.get("webdis/GET/hello", "Authorization", basic("me", TOKEN)).status());
        assertEquals(401, anonymous.get("webdis/GET/hello", "Authorization", basic("me", "wrong")).status());
        // the read-only token reads but may not write
        assertEquals(200, anonymous.get("webdis/GET/hello", "Authorization", basic("me", READ_TOKEN)).status());
        resp.call("SET", "ro", "before");
        Http.Result write = anonymous.get("webdis/SET/ro/after", "Authorization", basic("me", READ_TOKEN));
        assertEquals(403, write.status(), write::toString);
        assertEquals("before", resp.text("GET", "ro"));
        // ACL: SETRANGE disabled for everyone, enabled again for the Basic user admin
        assertEquals(403, get("SETRANGE/ro/0/X").status());
        assertEquals(403, get("ECHO/x").status());
        assertEquals("before", resp.text("GET", "ro"));
        assertEquals(200, anonymous.get("webdis/SETRANGE/ro/0/X", "Authorization", basic("admin", TOKEN)).status());
        assertEquals("Xefore", resp.text("GET", "ro"));
        // the command policy and connection-state commands: 403, as Webdis answers MULTI
        assertEquals(403, get("FLUSHALL").status());
        assertEquals(403, get("MULTI").status());
        assertEquals(403, get("SELECT/3").status());
    }

    @Test
    void badInputIsAClear4xx() {
        assertBad(400, get(""));
        assertBad(400, http.post("webdis/", ""));
        assertBad(400, http.post("webdis/", "GET/%zz")); // java.net.URI refuses to send it in a path
        assertBad(405, http.send(http.request("webdis/GET/x").DELETE().build()));
        assertBad(400, get("SUBSCRIBE")); // no channel
        assertBad(400, get("7/SUBSCRIBE/ch")); // channels are not per database
        Http.Result slashes = get("/".repeat(100_000));
        assertTrue(slashes.status() >= 400 && slashes.status() < 500, slashes::toString);
        assertBad(400, http.post("webdis/", "GET" + "/".repeat(100_000)));
        byte[] big = new byte[10 * 1024 * 1024];
        Http.Result tooLarge = http.send(http.request("webdis/SET/big").PUT(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertBad(413, tooLarge);
        assertNull(resp.call("GET", "big"));
        assertEquals(200, get("PING").status());
    }

    @Test
    void chunkedSubscribeDeliversHundredMessagesInOrder() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", url.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + url.getPath() + "webdis/SUBSCRIBE/news?jsonp=f HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String status = line(in);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            boolean chunked = false;
            for (String h; !(h = line(in)).isEmpty(); ) {
                chunked |= h.equalsIgnoreCase("Transfer-Encoding: chunked");
                if (h.toLowerCase().startsWith("content-type:")) {
                    assertEquals("application/json", h.substring(13).trim().split(";")[0]);
                }
            }
            assertTrue(chunked, "Transfer-Encoding: chunked");
            assertEquals("f({\"SUBSCRIBE\":[\"subscribe\",\"news\",1]});\n", chunk(in));
            for (int i = 0; i < 100; i++) {
                resp.call("PUBLISH", "news", "m" + i);
            }
            StringBuilder all = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                expected.append("f({\"SUBSCRIBE\":[\"message\",\"news\",\"m").append(i).append("\"]});\n");
            }
            while (all.length() < expected.length()) {
                all.append(chunk(in)); // one chunk per message, as Webdis; read until all arrived
            }
            assertEquals(expected.toString(), all.toString());
        }
    }

    @Test
    void webSocketCommandsAndSubscription() throws Exception {
        List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + url.getPort() + url.getPath() + "webdis/.json"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w,
                                                                                  CharSequence data, boolean last) {
                                frames.add(data.toString());
                                w.request(1);
                                return null;
                            }
                        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("[\"SET\",\"wsk\",\"wsv\"]", true).join();
        ws.sendText("[\"GET\",\"wsk\"]", true).join();
        ws.sendText("not json", true).join();
        ws.sendText("[\"MULTI\"]", true).join();
        ws.sendText("[\"SUBSCRIBE\",\"wsch\"]", true).join();
        waitFor(() -> frames.size() >= 5);
        assertEquals("{\"SET\":[true,\"OK\"]}", frames.get(0));
        assertEquals("{\"GET\":\"wsv\"}", frames.get(1));
        assertTrue(frames.get(2).startsWith("{\"error\":"), frames::toString);
        assertTrue(frames.get(3).startsWith("{\"error\":true,"), frames::toString); // Webdis's error frame
        assertTrue(frames.get(3).endsWith(",\"http_status\":403}"), frames::toString);
        assertEquals("{\"SUBSCRIBE\":[\"subscribe\",\"wsch\",1]}", frames.get(4));
        assertEquals("wsv", resp.text("GET", "wsk"));
        resp.call("PUBLISH", "wsch", "hello");
        waitFor(() -> frames.size() >= 6);
        assertEquals("{\"SUBSCRIBE\":[\"message\",\"wsch\",\"hello\"]}", frames.get(5));
        ws.sendClose(1000, "bye").join();

        java.util.concurrent.CompletableFuture<Integer> refused = new java.util.concurrent.CompletableFuture<>();
        java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + url.getPort() + url.getPath() + "webdis/.json"),
                        new java.net.http.WebSocket.Listener() {
                        })
                .whenComplete((w, e) -> refused.complete(e == null ? 101
                        : e.getCause() instanceof java.net.http.WebSocketHandshakeException h ? h.getResponse().statusCode() : -1));
        assertEquals(401, refused.get(10, java.util.concurrent.TimeUnit.SECONDS)); // no credentials
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("stream ended after " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static String chunk(DataInputStream in) throws IOException {
        int size = Integer.parseInt(line(in).trim(), 16);
        byte[] data = new byte[size];
        in.readFully(data);
        line(in);
        return new String(data, StandardCharsets.UTF_8);
    }

    private static void assertBad(int status, Http.Result r) {
        assertEquals(status, r.status(), r::toString);
        assertTrue(((JsonObject) r.json()).getString("error").length() > 5, r::toString);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static List<String> texts(Object reply) {
        return ((List<?>) reply).stream().map(b -> new String((byte[]) b, StandardCharsets.UTF_8)).toList();
    }
}
