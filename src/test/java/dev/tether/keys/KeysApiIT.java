package dev.tether.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
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

/** /api/keys: statuses, typed values, binary values, conditional requests, TTLs, SCAN pages, tokens, channels. */
@TetherIT
@RunAsClient
class KeysApiIT {

    static final String TOKEN = "keys-token";
    static final String READ_TOKEN = "keys-read";
    static final int MAX_BODY = 65_536;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    Api api;
    RespClient resp;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.readonly-token", READ_TOKEN,
                "tether.http.max-body", Integer.toString(MAX_BODY),
                "tether.keys.max-page", "1000",
                // the default list plus XTRIM, to see the policy apply to /api
                "tether.commands.deny", "FLUSHALL,FLUSHDB,CONFIG,SHUTDOWN,DEBUG,MONITOR,XTRIM"));
    }

    @BeforeEach
    void setUp() {
        api = new Api(new Http(Tether.base(url), TOKEN));
        resp = redis.client();
    }

    @Test
    @Tag("smoke")
    void aStringIsCreatedReadReplacedAndDeleted() {
        resp.call("DEL", "greeting");
        Http.Result created = api.put("keys/greeting", "text/plain", "hello");
        assertEquals(201, created.status(), created::toString);
        assertTrue(created.header("Location").endsWith("/api/keys/greeting"), created.header("Location"));
        assertNotNull(created.header("ETag"));
        assertEquals("hello", resp.text("GET", "greeting"));

        Http.Result read = api.get("keys/greeting");
        assertEquals(200, read.status(), read::toString);
        JsonObject o = read.json().asJsonObject();
        assertEquals("string", o.getString("type"));
        assertEquals("hello", o.getString("value"));
        assertEquals(JsonValue.NULL, o.get("ttl"));
        assertEquals(created.header("ETag"), read.header("ETag"));

        Http.Result replaced = api.put("keys/greeting?ttl=100", "text/plain", "hi again");
        assertEquals(204, replaced.status(), replaced::toString);
        assertEquals("hi again", resp.text("GET", "greeting"));
        long ttl = (Long) resp.call("TTL", "greeting");
        assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
        assertEquals(100, api.get("keys/greeting").json().asJsonObject().getInt("ttl"));

        assertEquals(204, api.delete("keys/greeting").status());
        assertEquals(0L, resp.call("EXISTS", "greeting"));
        assertError(api.get("keys/greeting"), 404, "no such key");
        assertError(api.delete("keys/greeting"), 404, "no such key");
    }

    @Test
    void aJsonBodyThatIsNotATypedValueIsStoredAsItsText() {
        assertEquals(201, api.putJson("keys/doc", "{\"a\":[1,2]}").status());
        assertEquals("{\"a\":[1,2]}", resp.text("GET", "doc"));
    }

    @Test
    void binaryValuesRoundTrip() {
        byte[] bytes = {(byte) 0xff, 0, (byte) 0xfe, '<', 0x7f};
        resp.call("DEL", "blob");
        assertEquals(201, api.put("keys/blob", "application/octet-stream", bytes).status());
        assertArrayEquals(bytes, (byte[]) resp.call("GET", "blob"));
        JsonObject o = api.get("keys/blob").json().asJsonObject();
        assertEquals("base64", o.getString("encoding"));
        assertArrayEquals(bytes, java.util.Base64.getDecoder().decode(o.getString("value")));

        // typed JSON in base64, then a hash with a binary field value read back in base64
        assertEquals(201, api.putJson("keys/bin-hash", "{\"type\":\"hash\",\"encoding\":\"base64\","
                + "\"value\":{\"Zg==\":\"/wA=\"}}").status());
        assertArrayEquals(new byte[] {(byte) 0xff, 0}, (byte[]) resp.call("HGET", "bin-hash", "f"));
        JsonObject h = api.get("keys/bin-hash").json().asJsonObject();
        assertEquals("base64", h.getString("encoding"));
        assertEquals("/wA=", h.getJsonObject("value").getString("Zg=="));
        // asking for base64 for text too
        assertEquals("aGVsbG8=", get("keys/text-b64?encoding=base64", "text-b64", "hello").getString("value"));
    }

    private JsonObject get(String path, String key, String value) {
        resp.call("SET", key, value);
        return api.get(path).json().asJsonObject();
    }

    @Test
    @Tag("smoke")
    void conditionalRequests() {
        resp.call("DEL", "cond");
        assertEquals(201, api.put("keys/cond", "text/plain", "v1", "If-None-Match", "*").status());
        assertError(api.put("keys/cond", "text/plain", "v2", "If-None-Match", "*"), 412, "the key exists");
        assertEquals("v1", resp.text("GET", "cond"));

        String etag = api.get("keys/cond").header("ETag");
        Http.Result notModified = api.get("keys/cond", "If-None-Match", etag);
        assertEquals(304, notModified.status());
        assertEquals(0, notModified.bytes().length);
        assertEquals(200, api.get("keys/cond", "If-None-Match", "\"0000000000000000000000000000000000000000\"").status());

        Http.Result updated = api.put("keys/cond", "text/plain", "v2", "If-Match", etag);
        assertEquals(204, updated.status(), updated::toString);
        assertEquals("v2", resp.text("GET", "cond"));
        Http.Result stale = api.put("keys/cond", "text/plain", "v3", "If-Match", etag);
        assertError(stale, 412, "changed");
        assertEquals(updated.header("ETag"), stale.header("ETag"), "412 carries the current ETag");
        assertEquals("v2", resp.text("GET", "cond"));
        assertError(api.delete("keys/cond", "If-Match", etag), 412, "changed");
        assertEquals(204, api.delete("keys/cond", "If-Match", updated.header("ETag")).status());
        assertError(api.put("keys/cond", "text/plain", "v4", "If-Match", "*"), 412, "does not exist");
        assertEquals(0L, resp.call("EXISTS", "cond"));
        assertError(api.put("keys/cond", "text/plain", "x", "If-Match", "nonsense"), 400, "If-Match");
        // the ETag follows the value and the expiry time, not the TTL counting down
        resp.call("SET", "cond", "same");
        String before = api.get("keys/cond").header("ETag");
        resp.call("EXPIRE", "cond", "500");
        Http.Result expiring = api.get("keys/cond", "If-None-Match", before);
        assertEquals(200, expiring.status(), "a new expiry is a new representation");
        String withTtl = expiring.header("ETag");
        RedisServer.sleep(1100);
        assertEquals(304, api.get("keys/cond", "If-None-Match", withTtl).status());
        assertError(api.put("keys/cond", "text/plain", "x", "If-Match", before), 412, "changed");
    }

    @Test
    @Tag("smoke")
    void typedValuesAreWrittenAtomicallyAndReadTyped() {
        resp.call("SET", "typed", "old");
        resp.call("EXPIRE", "typed", "1000");
        assertEquals(204, api.putJson("keys/typed", "{\"type\":\"hash\",\"value\":{\"name\":\"Ada\",\"born\":1815}}").status());
        assertEquals("hash", resp.text("TYPE", "typed"));
        assertEquals(-1L, resp.call("TTL", "typed"), "a replaced key loses its old TTL");
        JsonObject h = api.get("keys/typed").json().asJsonObject();
        assertEquals("hash", h.getString("type"));
        assertEquals("Ada", h.getJsonObject("value").getString("name"));
        assertEquals("1815", h.getJsonObject("value").getString("born"));

        resp.call("DEL", "l", "s", "z", "x");
        assertEquals(201, api.putJson("keys/l?ttl=60", "{\"type\":\"list\",\"value\":[\"a\",\"b\",\"c\"]}").status());
        assertEquals(List.of("a", "b", "c"), strings(resp.call("LRANGE", "l", "0", "-1")));
        JsonObject l = api.get("keys/l").json().asJsonObject();
        assertEquals("[\"a\",\"b\",\"c\"]", l.getJsonArray("value").toString());
        assertEquals(60, l.getInt("ttl"));

        assertEquals(201, api.putJson("keys/s", "{\"type\":\"set\",\"value\":[\"x\",\"y\",\"x\"]}").status());
        assertEquals(2L, resp.call("SCARD", "s"));
        assertEquals(201, api.putJson("keys/z", "{\"type\":\"zset\",\"value\":[{\"member\":\"a\",\"score\":2.5},"
                + "{\"member\":\"b\",\"score\":-1}]}").status());
        JsonObject z = api.get("keys/z").json().asJsonObject();
        assertEquals("[{\"member\":\"b\",\"score\":-1},{\"member\":\"a\",\"score\":2.5}]", z.getJsonArray("value").toString());
        assertEquals(201, api.putJson("keys/x", "{\"type\":\"stream\",\"value\":[{\"id\":\"5-1\",\"fields\":{\"e\":\"a\"}},"
                + "{\"fields\":{\"e\":\"b\"}}]}").status());
        JsonObject x = api.get("keys/x").json().asJsonObject();
        assertEquals("stream", x.getString("type"));
        assertEquals("5-1", x.getJsonArray("value").getJsonObject(0).getString("id"));
        assertEquals("b", x.getJsonArray("value").getJsonObject(1).getJsonObject("fields").getString("e"));

        // a refused value changes nothing: no half-written key
        resp.call("SET", "keep", "me");
        assertError(api.putJson("keys/keep", "{\"type\":\"stream\",\"value\":[{\"id\":\"5-1\",\"fields\":{\"e\":\"a\"}},"
                + "{\"id\":\"4-0\",\"fields\":{\"e\":\"b\"}}]}"), 400, "must be greater");
        assertError(api.putJson("keys/keep", "{\"type\":\"zset\",\"value\":[{\"member\":\"a\",\"score\":\"x\"}]}"),
                400, "finite number");
        assertError(api.putJson("keys/keep", "{\"type\":\"hash\",\"value\":{}}"), 400, "empty collection");
        assertError(api.putJson("keys/keep", "{\"type\":\"hash\",\"value\":[1]}"), 400, "JSON object");
        assertError(api.putJson("keys/keep", "{\"type\":\"list\",\"value\":[{\"a\":1}]}"), 400, "string or a number");
        assertError(api.putJson("keys/keep", "{\"type\":\"tree\",\"value\":[1]}"), 400, "unknown type");
        assertError(api.putJson("keys/keep", "{\"type\":\"hash\""), 400, "malformed JSON");
        assertEquals("me", resp.text("GET", "keep"));
    }

    @Test
    @Tag("smoke")
    void ttlResource() {
        resp.call("SET", "t", "v");
        assertEquals(JsonValue.NULL, api.get("keys/t/ttl").json().asJsonObject().get("ttl"));
        assertEquals(204, api.put("keys/t/ttl?seconds=50", "text/plain", "").status());
        assertEquals(50, api.get("keys/t/ttl").json().asJsonObject().getInt("ttl"));
        assertEquals(204, api.put("keys/t/ttl", "text/plain", "70").status());
        assertEquals(70L, resp.call("TTL", "t"));
        assertEquals(204, api.putJson("keys/t/ttl", "{\"ttl\":80}").status());
        assertEquals(80L, resp.call("TTL", "t"));
        assertEquals(204, api.delete("keys/t/ttl").status());
        assertEquals(-1L, resp.call("TTL", "t"));
        assertEquals(204, api.delete("keys/t/ttl").status(), "PERSIST of a key without TTL is fine");
        assertError(api.put("keys/t/ttl", "text/plain", "-5"), 400, "whole number of seconds");
        assertError(api.put("keys/t/ttl?seconds=0", "text/plain", ""), 400, "seconds");
        assertError(api.put("keys/missing/ttl?seconds=5", "text/plain", ""), 404, "no such key");
        assertError(api.get("keys/missing/ttl"), 404, "no such key");
        assertError(api.delete("keys/missing/ttl"), 404, "no such key");
    }

    @Test
    @Tag("smoke")
    void scanPagesFilterByPatternAndType() {
        for (int i = 0; i < 300; i++) {
            resp.call("SET", "scan:s:" + i, "v");
        }
        for (int i = 0; i < 50; i++) {
            resp.call("HSET", "scan:h:" + i, "f", "v");
        }
        resp.call("EXPIRE", "scan:h:7", "1000");
        Set<String> all = collect("keys?match=scan:*&count=50");
        assertEquals(350, all.size());
        Set<String> hashes = collect("keys?match=scan:*&type=hash&count=40");
        assertEquals(50, hashes.size());
        assertTrue(hashes.stream().allMatch(k -> k.startsWith("scan:h:")));

        JsonObject page = api.get("keys?match=scan:h:7").json().asJsonObject();
        // one SCAN step may not reach the key: walk until it shows
        String cursor = page.getString("cursor");
        JsonObject hit = page.getJsonArray("keys").isEmpty() ? null : page.getJsonArray("keys").getJsonObject(0);
        for (int i = 0; hit == null && !cursor.equals("0") && i < 1000; i++) {
            page = api.get("keys?match=scan:h:7&cursor=" + cursor).json().asJsonObject();
            cursor = page.getString("cursor");
            hit = page.getJsonArray("keys").isEmpty() ? null : page.getJsonArray("keys").getJsonObject(0);
        }
        assertNotNull(hit);
        assertEquals("hash", hit.getString("type"));
        assertTrue(hit.getInt("ttl") > 990);

        Http.Result first = api.get("keys?match=scan:*&count=10");
        assertTrue(first.header("Link").contains("rel=\"next\""), first.header("Link"));
        assertError(api.get("keys?count=1001"), 400, "tether.keys.max-page");
        assertError(api.get("keys?count=abc"), 400, "count");
        assertError(api.get("keys?type=tree"), 400, "type");
        assertError(api.get("keys?cursor=-1"), 400, "cursor");
    }

    /** Every key of a SCAN walk, following the next links. */
    private Set<String> collect(String path) {
        Set<String> keys = new HashSet<>();
        String next = path;
        for (int i = 0; next != null && i < 10_000; i++) {
            Http.Result r = next.startsWith("http") ? api.http.send(api.http.request(next).GET().build()) : api.get(next);
            assertEquals(200, r.status(), r::toString);
            JsonObject o = r.json().asJsonObject();
            o.getJsonArray("keys").forEach(k -> keys.add(k.asJsonObject().getString("key")));
            next = o.isNull("next") ? null : URI.create(o.getString("next")).toString();
            if (next != null) {
                assertEquals("127.0.0.1", URI.create(next).getHost());
            }
        }
        return keys;
    }

    @Test
    @Tag("smoke")
    void tokensAndTheReadOnlyRule() {
        resp.call("SET", "guarded", "v");
        Api reader = new Api(new Http(Tether.base(url), READ_TOKEN));
        assertEquals(200, reader.get("keys/guarded").status());
        assertEquals(200, reader.get("keys?match=guarded").status());
        assertError(reader.put("keys/guarded", "text/plain", "w"), 403, "read-only");
        assertError(reader.delete("keys/guarded"), 403, "read-only");
        assertError(reader.put("keys/guarded/fields/f", "text/plain", "w"), 403, "read-only");
        assertError(reader.post("channels/news/messages", "text/plain", "hi"), 403, "read-only");
        assertEquals("v", resp.text("GET", "guarded"));

        Http.Result none = new Api(new Http(Tether.base(url), null)).get("keys/guarded");
        assertError(none, 401, "missing token");
        assertEquals("Bearer", none.header("WWW-Authenticate"));
        assertError(new Api(new Http(Tether.base(url), "wrong")).get("keys/guarded"), 401, "invalid token");
        assertEquals(200, new Api(new Http(Tether.base(url), null)).get("keys/guarded?_token=" + TOKEN).status());
    }

    @Test
    @Tag("smoke")
    void badInputGetsA4xxWithAJsonError() {
        assertError(api.get("nothing/here"), 404, "no such resource");
        assertError(api.method("PATCH", "keys/k"), 405, "not allowed");
        assertError(api.put("keys/big", "text/plain", "x".repeat(MAX_BODY + 1)), 413, "tether.http.max-body");
        assertError(api.get("keys/k?start=-1"), 400, "start");
        assertError(api.get("keys/k?cursor=abc"), 400, "cursor");
        assertError(api.put("keys/k?ttl=0", "text/plain", "v"), 400, "ttl");
        assertError(api.put("keys/k", "text/plain", "v", "If-Match", "*", "If-None-Match", "*"), 400, "not both");
        assertError(api.put("keys/k", "text/plain", "v", "If-None-Match", "\"abc\""), 400, "only *");
        // the command policy applies to /api as to /redis
        resp.call("XADD", "events", "*", "a", "1");
        assertError(api.delete("keys/events/entries?maxlen=1"), 403, "denied by the command policy");
    }

    @Test
    @Tag("smoke")
    void channelsStreamPublishedMessages() {
        URI base = Tether.base(url);
        try (SseClient events = SseClient.open(base, "GET", "api/channels/news%2Fdesk/events", READ_TOKEN,
                "text/event-stream", null, false)) {
            assertEquals(200, events.status(), events::body);
            assertTrue(events.header("Content-Type").startsWith("text/event-stream"));
            String subscribed = events.next(e -> e.startsWith("event: subscribe"), 10_000);
            assertEquals("event: subscribe\ndata: {\"channel\":\"news/desk\",\"count\":1}", subscribed);
            Http.Result published = api.post("channels/news%2Fdesk/messages", "text/plain", "<b>hi</b>\nthere");
            assertEquals(200, published.status(), published::toString);
            assertEquals(1, published.json().asJsonObject().getInt("receivers"));
            String message = events.next(e -> e.startsWith("event: message"), 10_000);
            assertEquals("event: message\ndata: {\"channel\":\"news/desk\",\"message\":\"<b>hi</b>\\nthere\"}", message);
            assertEquals(1L, resp.call("PUBLISH", "news/desk", "direct"));
            assertTrue(events.next(e -> e.startsWith("event: message"), 10_000).contains("\"direct\""));
        }
        try (SseClient refused = SseClient.open(base, "GET", "api/channels/x/events", TOKEN, "application/json", null,
                false)) {
            assertEquals(406, refused.status());
            assertTrue(refused.body().contains("\"error\""), refused.body());
        }
        try (SseClient refused = SseClient.open(base, "GET", "api/channels/x/events", null, "text/event-stream", null,
                false)) {
            assertEquals(401, refused.status());
        }
        assertError(api.get("channels/x/messages"), 405, "POST");
        assertError(api.get("channels/x"), 404, "no such resource");
        try (SseClient refused = SseClient.open(base, "GET", "api/channels/" + "c".repeat(1100) + "/events", TOKEN,
                "text/event-stream", null, false)) {
            assertEquals(400, refused.status());
            assertTrue(refused.body().contains("tether.pubsub.max-name-bytes"), refused.body());
        }
    }

    @Test
    @Tag("smoke")
    void theUpstashRouteStillAnswersBesideJaxRs() {
        Http http = new Http(Tether.base(url), TOKEN);
        assertEquals("{\"result\":\"PONG\"}", http.post("redis", "[\"PING\"]").body());
        assertEquals(200, http.get("redis/get/anything").status());
    }

    static void assertError(Http.Result r, int status, String text) {
        assertEquals(status, r.status(), r::toString);
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        String message = r.json().asJsonObject().getString("error");
        assertTrue(message.contains(text), "'" + message + "' does not mention '" + text + "'");
    }

    static List<String> strings(Object reply) {
        return ((List<?>) reply).stream().map(b -> new String((byte[]) b, StandardCharsets.UTF_8)).toList();
    }
}
