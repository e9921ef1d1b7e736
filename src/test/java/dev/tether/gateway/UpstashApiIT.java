package dev.tether.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Upstash REST protocol over HTTP, checked against what Redis really holds. */
@TetherIT
@RunAsClient
class UpstashApiIT {

    static final String TOKEN = "test-token-full";
    static final String READ_TOKEN = "test-token-read";
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
                "tether.http.max-body", "65536",
                "tether.cors.origins", "http://app.example",
                "tether.commands.max-block", "1500"));
    }

    @BeforeEach
    void setUp() {
        http = new Http(Tether.base(url), TOKEN);
        resp = redis.client();
    }

    @Test
    @Tag("smoke")
    void setThenGetThroughJsonBody() {
        Http.Result set = http.post("redis", "[\"SET\",\"greeting\",\"hello\",\"EX\",100]");
        assertEquals(200, set.status(), set::toString);
        assertEquals("OK", ((JsonObject) set.json()).getString("result"));
        assertEquals("hello", resp.text("GET", "greeting"));
        assertTrue((Long) resp.call("TTL", "greeting") > 90);

        Http.Result get = http.post("redis", "[\"get\",\"greeting\"]");
        assertEquals("{\"result\":\"hello\"}", get.body());
        assertEquals("application/json", get.header("content-type").split(";")[0]);
    }

    @Test
    void numbersAndBooleansAreArgumentsAsTheirJsonText() {
        assertEquals(200, http.post("redis", "[\"SET\",\"n\",41]").status());
        assertEquals("{\"result\":42}", http.post("redis", "[\"INCRBY\",\"n\",1]").body());
        assertEquals("{\"result\":1}", http.post("redis", "[\"EVAL\",\"return 1\",0]").body());
        http.post("redis", "[\"SET\",\"b\",true]");
        assertEquals("true", resp.text("GET", "b"));
    }

    @Test
    void nilIsAPresentNullResult() {
        assertEquals("{\"result\":null}", http.post("redis", "[\"GET\",\"no-such-key\"]").body());
    }

    @Test
    @Tag("smoke")
    void pathStyleWithQueryOptionsAndBodyAsLastArgument() {
        assertEquals("{\"result\":\"OK\"}", http.get("redis/set/path-key/a%2Fb?EX=100").body());
        assertEquals("a/b", resp.text("GET", "path-key"));
        assertTrue((Long) resp.call("TTL", "path-key") > 90);
        Http.Result post = http.send(http.request("redis/set/body-key")
                .POST(HttpRequest.BodyPublishers.ofString("line1\r\nline2")).build());
        assertEquals(200, post.status(), post::toString);
        assertEquals("line1\r\nline2", resp.text("GET", "body-key"));
        assertEquals("{\"result\":\"a/b\"}", http.get("redis/get/path-key").body());
    }

    @Test
    void crlfInsideArgumentsIsStoredVerbatim() {
        String value = "a\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n";
        assertEquals(200, http.post("redis", Http.command("SET", "crlf", value)).status());
        assertEquals(value, resp.text("GET", "crlf"));
        assertEquals(null, resp.call("GET", "x"), "the embedded RESP must not have run");
    }

    @Test
    @Tag("smoke")
    void pipelineAnswersEverySlotInOrder() {
        Http.Result r = http.post("redis/pipeline",
                "[[\"SET\",\"p\",\"1\"],[\"INCR\",\"p\"],[\"LPUSH\",\"p\",\"x\"],[\"FLUSHALL\"],[\"GET\",\"p\"]]");
        assertEquals(200, r.status(), r::toString);
        JsonArray slots = (JsonArray) r.json();
        assertEquals(5, slots.size());
        assertEquals("OK", slots.getJsonObject(0).getString("result"));
        assertEquals(2, slots.getJsonObject(1).getInt("result"));
        assertTrue(slots.getJsonObject(2).getString("error").startsWith("WRONGTYPE"));
        assertTrue(slots.getJsonObject(3).getString("error").contains("denied"));
        assertEquals("2", slots.getJsonObject(4).getString("result"));
    }

    @Test
    void scriptsInPipelinesAndNoscriptAreReplies() {
        // the SDK auto-pipelines every redis.eval: EVAL in /pipeline once failed the whole batch with a 503
        String unknown = "0000000000000000000000000000000000000000";
        Http.Result r = http.post("redis/pipeline", "[[\"SET\",\"ps\",\"v\"],[\"EVAL\",\"return {KEYS[1], ARGV[1], 7}\",1,"
                + "\"k1\",\"a1\"],[\"EVALSHA\",\"" + unknown + "\",0],[\"GET\",\"ps\"]]");
        assertEquals(200, r.status(), r::toString);
        assertEquals("[{\"result\":\"OK\"},{\"result\":[\"k1\",\"a1\",7]},"
                + "{\"error\":\"NOSCRIPT No matching script. Please use EVAL.\"},{\"result\":\"v\"}]", r.body());
        // NOSCRIPT (the SDK's Script helper falls back to EVAL on it) is an error reply, not "Redis is unavailable"
        Http.Result batched = http.post("redis/pipeline", "[[\"EVALSHA\",\"" + unknown + "\",0],[\"GET\",\"ps\"]]");
        assertEquals("[{\"error\":\"NOSCRIPT No matching script. Please use EVAL.\"},{\"result\":\"v\"}]", batched.body());
        Http.Result single = http.post("redis", "[\"EVALSHA\",\"" + unknown + "\",0]");
        assertEquals(400, single.status(), single::toString);
        assertEquals("{\"error\":\"NOSCRIPT No matching script. Please use EVAL.\"}", single.body());
    }

    @Test
    @Tag("smoke")
    void multiExecIsAtomicAndReportsErrorsInTheirSlots() {
        Http.Result r = http.post("redis/multi-exec",
                "[[\"SET\",\"m\",\"1\"],[\"LPUSH\",\"m\",\"x\"],[\"INCR\",\"m\"],[\"GET\",\"m\"],[\"GET\",\"none\"]]");
        assertEquals(200, r.status(), r::toString);
        JsonArray slots = (JsonArray) r.json();
        assertEquals("OK", slots.getJsonObject(0).getString("result"));
        assertTrue(slots.getJsonObject(1).getString("error").startsWith("WRONGTYPE"));
        assertEquals(2, slots.getJsonObject(2).getInt("result"));
        assertEquals("2", slots.getJsonObject(3).getString("result"));
        assertTrue(slots.getJsonObject(4).isNull("result"));

        Http.Result discarded = http.post("redis/multi-exec", "[[\"SET\",\"m2\",\"1\"],[\"NOSUCHCMD\"]]");
        assertEquals(400, discarded.status(), discarded::toString);
        assertTrue(((JsonObject) discarded.json()).getString("error").startsWith("EXECABORT"));
        assertEquals(null, resp.call("GET", "m2"), "a discarded transaction runs nothing");

        // the pooled connections stay clean: a plain command afterwards is not queued
        assertEquals("{\"result\":\"2\"}", http.post("redis", "[\"GET\",\"m\"]").body());
    }

    @Test
    @Tag("smoke")
    void base64EncodesEveryStringAndBinaryValuesRoundTrip() {
        byte[] binary = {0, (byte) 0xff, (byte) 0xfe, 10, 13, (byte) 0x80, 65};
        resp.call("SET", "bin", binary);
        resp.call("DEL", "bl");
        resp.call("RPUSH", "bl", "a", binary);
        Http.Result get = http.post("redis", "[\"GET\",\"bin\"]", "Upstash-Encoding", "base64");
        assertArrayEquals(binary, Base64.getDecoder().decode(((JsonObject) get.json()).getString("result")));
        Http.Result list = http.post("redis", "[\"LRANGE\",\"bl\",\"0\",\"-1\"]", "Upstash-Encoding", "base64");
        JsonArray items = ((JsonObject) list.json()).getJsonArray("result");
        assertEquals("a", new String(Base64.getDecoder().decode(items.getString(0)), StandardCharsets.UTF_8));
        assertArrayEquals(binary, Base64.getDecoder().decode(items.getString(1)));
        Http.Result ping = http.post("redis", "[\"PING\"]", "Upstash-Encoding", "base64");
        assertEquals("PONG", new String(Base64.getDecoder().decode(((JsonObject) ping.json()).getString("result")),
                StandardCharsets.UTF_8));
        assertEquals("{\"result\":2}", http.post("redis", "[\"LLEN\",\"bl\"]", "Upstash-Encoding", "base64").body());
        Http.Result error = http.post("redis", "[\"LPUSH\",\"bin\",\"x\"]", "Upstash-Encoding", "base64");
        assertTrue(((JsonObject) error.json()).getString("error").startsWith("WRONGTYPE"), error::toString);
    }

    @Test
    void syncTokenChangesOnEveryResponse() {
        String first = http.post("redis", "[\"PING\"]").header("upstash-sync-token");
        String second = http.post("redis", "[\"PING\"]").header("upstash-sync-token");
        assertNotNull(first);
        assertNotEquals(first, second);
    }

    @Test
    void blockingCommandsAreCappedAndAnswerNil() {
        Http.Result r = http.post("redis", "[\"BLPOP\",\"empty-list\",\"0\"]");
        assertEquals("{\"result\":null}", r.body());
        assertTrue(r.millis() >= 1400 && r.millis() < 5000, "capped at 1500 ms, took " + r.millis());
        Http.Result fractional = http.post("redis", "[\"BLPOP\",\"empty-list\",\"0.2\"]");
        assertEquals("{\"result\":null}", fractional.body());
        resp.call("RPUSH", "full-list", "v");
        assertEquals("{\"result\":[\"full-list\",\"v\"]}", http.post("redis", "[\"BLPOP\",\"full-list\",\"5\"]").body());
    }

    @Test
    @Tag("smoke")
    void corsPreflightAllowsTheSdkHeaders() {
        Http.Result r = http.send(http.request("redis").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, upstash-encoding, upstash-telemetry-sdk")
                .build());
        assertEquals(204, r.status(), r::toString);
        assertEquals("http://app.example", r.header("access-control-allow-origin"));
        String allowed = r.header("access-control-allow-headers");
        assertTrue(allowed.contains("upstash-encoding") && allowed.contains("upstash-telemetry-sdk"), allowed);
        Http.Result actual = http.post("redis", "[\"PING\"]", "Origin", "http://app.example");
        assertEquals("upstash-sync-token", actual.header("access-control-expose-headers"));
        Http.Result foreign = http.send(http.request("redis").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST").build());
        assertEquals(403, foreign.status());
    }

    /**
     * Every body is written with JSON-P into bytes, so nothing depends on the server's JSON-B provider. On WildFly
     * RESTEasy disables JSON-B for this deployment (WFLYRS0018, Jackson annotations inside the Redisson jars): the
     * test checks that it did, for the deployment under test, and that results and errors are still exact JSON.
     */
    @Test
    @Tag("smoke")
    void jsonIsWrittenWithJsonP() { // by the servlet itself: no JAX-RS provider (JSON-B on WildFly) is involved
        resp.call("DEL", "json-list");
        resp.call("RPUSH", "json-list", "a", "\"q\"\u00e9\n");
        Http.Result nested = http.post("redis", "[\"EVAL\",\"return {1, KEYS[1], {ARGV[1], false}}\",1,\"k\",\"v\"]");
        assertEquals(200, nested.status(), nested::toString);
        assertEquals("{\"result\":[1,\"k\",[\"v\",null]]}", nested.body());
        assertEquals("application/json", nested.header("content-type").split(";")[0]);
        assertEquals("{\"result\":[\"a\",\"\\\"q\\\"\u00e9\\n\"]}", http.post("redis", "[\"LRANGE\",\"json-list\",0,-1]").body());
        Http.Result error = http.post("redis", "[\"GET\"");
        assertEquals(400, error.status(), error::toString);
        assertEquals("application/json", error.header("content-type").split(";")[0]);
        assertTrue(((JsonObject) error.json()).getString("error").contains("malformed JSON"), error::toString);
    }
}
