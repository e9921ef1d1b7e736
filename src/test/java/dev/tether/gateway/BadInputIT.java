package dev.tether.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Everything a client can get wrong gets its 4xx with a JSON error naming the problem; never a 5xx. */
@Tag("smoke")
@TetherIT
@RunAsClient
class BadInputIT {

    static final String TOKEN = "bad-input-token";
    static final String READ_TOKEN = "bad-input-read";
    static final int MAX_BODY = 65_536;
    static RedisServer redis;

    @ArquillianResource
    URL url;

    Http http;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.readonly-token", READ_TOKEN,
                "tether.http.max-body", Integer.toString(MAX_BODY)));
    }

    @BeforeEach
    void setUp() {
        http = new Http(Tether.base(url), TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON           | [\"GET\",                         | 400 | malformed JSON",
        "not an array             | {\"cmd\":\"GET\"}                | 400 | expected a JSON array",
        "a string                 | \"GET k\"                        | 400 | expected a JSON array",
        "empty array              | []                               | 400 | empty array",
        "nested object            | [\"SET\",\"k\",{\"a\":1}]        | 400 | only strings, numbers and booleans",
        "nested array             | [\"SET\",\"k\",[1,2]]            | 400 | only strings, numbers and booleans",
        "null argument            | [\"SET\",\"k\",null]             | 400 | only strings, numbers and booleans",
        "empty command name       | [\"\",\"k\"]                     | 400 | command name is empty",
        "unknown command          | [\"NOSUCHCOMMAND\",\"k\"]        | 400 | ERR unknown command",
        "wrong arity              | [\"GET\"]                        | 400 | ERR wrong number of arguments",
        "denied FLUSHALL          | [\"FLUSHALL\"]                   | 403 | ERR FLUSHALL is denied by the command policy",
        "denied CONFIG            | [\"config\",\"get\",\"*\"]       | 403 | denied by the command policy",
        "denied CLIENT KILL       | [\"CLIENT\",\"KILL\",\"ID\",\"1\"] | 403 | denied by the command policy",
        "MULTI outside multi-exec | [\"MULTI\"]                      | 400 | ERR MULTI would leave a transaction open on a connection Tether shares between requests; send the whole transaction to /redis/multi-exec",
        "SELECT                   | [\"SELECT\",\"1\"]               | 400 | ERR SELECT would switch a shared connection to another database",
        "SUBSCRIBE                | [\"SUBSCRIBE\",\"ch\"]           | 400 | ERR SUBSCRIBE would turn a shared connection into a subscriber; subscribe with POST /redis/subscribe/<channel>",
        "WATCH                    | [\"WATCH\",\"k\"]                | 400 | ERR WATCH would watch keys on a shared connection",
        "AUTH                     | [\"AUTH\",\"x\"]                 | 400 | Tether authenticates to Redis itself",
        "CLIENT REPLY             | [\"CLIENT\",\"REPLY\",\"OFF\"]   | 400 | ERR CLIENT REPLY would change how a connection Tether shares between requests answers",
        "CLIENT SETNAME           | [\"client\",\"setname\",\"x\"]   | 400 | ERR CLIENT SETNAME would rename a connection",
    })
    void commandBodies(String name, String body, int status, String message) {
        Http.Result r = http.post("redis", body);
        assertEquals(status, r.status(), r::toString);
        assertJsonError(r, message);
    }

    @Test
    void emptyBodyAndEmptyPipeline() {
        assertJsonError(expect(400, http.post("redis", "")), "empty body");
        assertJsonError(expect(400, http.post("redis/pipeline", "[]")), "empty pipeline");
        assertJsonError(expect(400, http.post("redis/pipeline", "[\"GET\",\"k\"]")), "is not an array");
        assertJsonError(expect(403, http.post("redis/multi-exec", "[[\"SET\",\"k\",\"v\"],[\"FLUSHALL\"]]")), "denied");
    }

    @Test
    void tenMegabyteBodiesAreRefusedWith413() {
        String big = "[\"SET\",\"big\",\"" + "x".repeat(10 * 1024 * 1024) + "\"]";
        Http.Result declared = http.post("redis", big);
        assertJsonError(expect(413, declared), "larger than " + MAX_BODY);
        Http.Result chunked = http.send(http.request("redis").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(big.getBytes()))).build());
        assertJsonError(expect(413, chunked), "larger than " + MAX_BODY);
        try (RespClient resp = redis.client()) {
            assertEquals(null, resp.call("GET", "big"));
        }
    }

    @Test
    void unsupportedEncodingHeader() {
        assertJsonError(expect(400, http.post("redis", "[\"PING\"]", "Upstash-Encoding", "base65")),
                "unsupported Upstash-Encoding");
    }

    @Test
    void tokens() {
        Http anonymous = new Http(Tether.base(url), null);
        Http.Result missing = anonymous.post("redis", "[\"PING\"]");
        assertJsonError(expect(401, missing), "missing token");
        assertEquals("Bearer", missing.header("WWW-Authenticate"));
        assertJsonError(expect(401, new Http(Tether.base(url), "wrong").post("redis", "[\"PING\"]")), "invalid token");
        assertEquals(200, anonymous.post("redis?_token=" + TOKEN, "[\"PING\"]").status());

        Http reader = new Http(Tether.base(url), READ_TOKEN);
        assertEquals("{\"result\":null}", reader.post("redis", "[\"GET\",\"ro\"]").body());
        assertJsonError(expect(403, reader.post("redis", "[\"SET\",\"ro\",\"v\"]")), "read-only");
        assertJsonError(expect(403, reader.post("redis", "[\"EVAL\",\"return 1\",\"0\"]")), "read-only");
        assertJsonError(expect(403, reader.post("redis", "[\"PUBLISH\",\"ch\",\"m\"]")), "read-only");
        assertEquals("{\"result\":1}", reader.post("redis", "[\"EVAL_RO\",\"return 1\",\"0\"]").body());
        Http.Result slots = reader.post("redis/pipeline", "[[\"GET\",\"ro\"],[\"DEL\",\"ro\"]]");
        assertEquals(200, slots.status());
        assertTrue(slots.body().contains("read-only"), slots::toString);
    }

    @Test
    void otherMethodsAndPaths() {
        Http.Result put = http.send(http.request("redis").PUT(HttpRequest.BodyPublishers.ofString("[]")).build());
        assertJsonError(expect(405, put), "");
        Http.Result delete = http.send(http.request("redis/pipeline").DELETE().build());
        assertJsonError(expect(405, delete), "DELETE /redis/pipeline is not allowed: POST a JSON array of commands");
        assertJsonError(expect(405, http.get("redis")), "GET /redis is not allowed: POST a command as a JSON array");
    }

    /** What the server answers before any route of Tether's runs is the same JSON error, on both servers. */
    @Test
    void serverLevelErrorsAreJson() {
        Http.Result unknown = expect(404, http.get("no/such/route"));
        assertJsonError(unknown, "ERR no such route: GET /");
        assertJsonError(unknown, "/no/such/route");
        assertJsonError(expect(404, http.get("redis-typo")), "no such route");
        Http.Result putStatic = http.send(http.request("index.html").PUT(HttpRequest.BodyPublishers.ofString("x")).build());
        assertJsonError(putStatic, "ERR PUT is not allowed on /");
        // up to tether.http.max-url a URL is served; above it a JSON 414, below the server's own limit on the head
        String key = "k".repeat(9_000);
        assertEquals("{\"result\":null}", expect(200, http.get("redis/get/" + key)).body());
        Http.Result tooLong = http.get("redis/get/" + "k".repeat(20_000));
        assertJsonError(expect(414, tooLong), "longer than 16384 (tether.http.max-url)");
        assertJsonError(expect(414, http.get("index.html?x=" + "y".repeat(20_000))), "tether.http.max-url");
    }

    static Http.Result expect(int status, Http.Result r) {
        assertEquals(status, r.status(), r::toString);
        return r;
    }

    static void assertJsonError(Http.Result r, String fragment) {
        assertTrue(r.status() >= 400 && r.status() < 500, r::toString);
        assertEquals("application/json", r.header("content-type").split(";")[0], r::toString);
        String error = ((JsonObject) r.json()).getString("error");
        assertTrue(error.contains(fragment), () -> "'" + error + "' should mention '" + fragment + "'");
        // every error starts with an error code: Redis's own (WRONGTYPE, NOSCRIPT…) or ERR for Tether's
        assertTrue(error.matches("^[A-Z]+ .*"), () -> "'" + error + "' does not start with an error code");
    }
}
