package dev.tether.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Replies keep Redis's shapes at every depth: nil bulk, nil array and empty array are not confused, for any command.
 * The differential test runs the same commands on two Redis servers holding the same data, one directly (the tests'
 * own RESP client) and one through Tether, and compares the answers.
 */
@TetherIT
@RunAsClient
class FaithfulRepliesIT {

    static RedisServer redis;
    /** The twin: the same seed data, reached directly. */
    static RedisServer twin;

    @ArquillianResource
    URL url;

    Http http;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of("tether.redis.url", redis.url(), "tether.commands.max-block", "1500"));
    }

    @BeforeAll
    static void seed() {
        twin = RedisServer.start();
        for (RedisServer server : List.of(redis, twin)) {
            try (RespClient c = server.client()) {
                c.call("SET", "s1", "hello");
                c.call("SET", "n1", "10");
                c.call("RPUSH", "l1", "a", "b", "c", "b");
                c.call("SADD", "set1", "x", "y", "z");
                c.call("ZADD", "z1", "1", "one", "2", "two", "3", "three");
                c.call("HSET", "h1", "f1", "v1", "f2", "v2");
                c.call("XADD", "st1", "1-1", "a", "1");
                c.call("XADD", "st1", "2-1", "b", "2");
                c.call("GEOADD", "g1", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            }
        }
    }

    @AfterAll
    static void stopTwin() {
        twin.close();
    }

    @BeforeEach
    void setUp() {
        http = new Http(Tether.base(url), null);
    }

    @Test
    @Tag("smoke")
    void geoposWithAMissingMemberAnswersNullInItsSlot() {
        assertEquals("{\"result\":[null]}", run("GEOPOS", "g1", "nowhere"));
        String both = run("GEOPOS", "g1", "Palermo", "nowhere");
        assertTrue(both.matches("\\{\"result\":\\[\\[\"13\\.36[0-9]*\",\"38\\.11[0-9]*\"],null]}"), both);
        assertEquals("{\"result\":[null]}", run("GEOPOS", "missing-key", "m"));
    }

    @Test
    void popsWithCountOnAMissingKeyAnswerNullButAnEmptyListStaysEmpty() {
        assertEquals("{\"result\":null}", run("LPOP", "missing-list", "2"));
        assertEquals("{\"result\":null}", run("RPOP", "missing-list", "2"));
        assertEquals("{\"result\":[]}", run("LRANGE", "missing-list", "0", "-1"));
        assertEquals("{\"result\":[]}", run("SMEMBERS", "missing-set"));
        assertEquals("{\"result\":null}", run("LMPOP", "1", "missing-list", "LEFT"));
        assertEquals("{\"result\":null}", run("ZRANDMEMBER", "missing-zset"));
        assertEquals("{\"result\":[]}", run("ZRANDMEMBER", "missing-zset", "2"));
    }

    @Test
    void blockingCommandsTimingOutAnswerNull() {
        assertEquals("{\"result\":null}", run("BLPOP", "missing-list", "0.05"));
        assertEquals("{\"result\":null}", run("BZPOPMIN", "missing-zset", "0.05"));
        assertEquals("{\"result\":null}", run("XREAD", "BLOCK", "50", "STREAMS", "missing-stream", "$"));
        assertEquals("{\"result\":null}", run("XREAD", "COUNT", "1", "STREAMS", "st1", "9-9"));
    }

    @Test
    void nestedRepliesInPipelinesAndTransactions() {
        String body = "[[\"GEOPOS\",\"g1\",\"nowhere\"],[\"XRANGE\",\"st1\",\"-\",\"+\"],[\"LPOP\",\"missing-list\",\"2\"],"
                + "[\"HMGET\",\"h1\",\"f1\",\"nope\"]]";
        assertEquals("[{\"result\":[null]},{\"result\":[[\"1-1\",[\"a\",\"1\"]],[\"2-1\",[\"b\",\"2\"]]]},"
                + "{\"result\":null},{\"result\":[\"v1\",null]}]", http.post("redis/pipeline", body).body());
        // transactions run as one Lua script: Lua turns a nil array into a nil (false), so the slot is null too
        String tx = http.post("redis/multi-exec", "[[\"XRANGE\",\"st1\",\"-\",\"+\"],[\"LPOP\",\"missing-list\",\"2\"],"
                + "[\"LRANGE\",\"missing-list\",\"0\",\"-1\"]]").body();
        assertEquals("[{\"result\":[[\"1-1\",[\"a\",\"1\"]],[\"2-1\",[\"b\",\"2\"]]]},{\"result\":null},{\"result\":[]}]", tx);
    }

    /** A few hundred varied commands (reads, writes, errors, nested replies) on both servers, compared as JSON. */
    @Test
    void differentialAgainstRedisItself() {
        List<String[]> commands = commands(new Random(8), 300);
        int compared = 0;
        try (RespClient direct = twin.client()) {
            for (String[] command : commands) {
                String expected = expected(direct.call((Object[]) command));
                String actual = run(command);
                assertEquals(expected, actual, () -> String.join(" ", command));
                compared++;
            }
        }
        System.out.println("[differential] " + compared + " commands, same replies directly and through Tether");
        assertEquals(300, compared);
    }

    static List<String[]> commands(Random random, int count) {
        String[] strings = {"s1", "n1", "missing"};
        String[] lists = {"l1", "l2", "missing"};
        String[] zsets = {"z1", "missing"};
        List<java.util.function.Supplier<String[]>> templates = List.of(
                () -> new String[] {"GET", pick(random, strings)},
                () -> new String[] {"MGET", pick(random, strings), pick(random, strings), "missing2"},
                () -> new String[] {"INCR", "n" + random.nextInt(3)},
                () -> new String[] {"APPEND", pick(random, strings), "+"},
                () -> new String[] {"STRLEN", pick(random, strings)},
                () -> new String[] {"SET", "s" + random.nextInt(3), "v" + random.nextInt(5), "GET"},
                () -> new String[] {"GETRANGE", "s1", "0", Integer.toString(random.nextInt(4) - 1)},
                () -> new String[] {"RPUSH", pick(random, lists), "e" + random.nextInt(4)},
                () -> new String[] {"LPOP", pick(random, lists), Integer.toString(random.nextInt(3))},
                () -> new String[] {"RPOP", pick(random, lists)},
                () -> new String[] {"LRANGE", pick(random, lists), "0", "-1"},
                () -> new String[] {"LPOS", "l1", "b", "COUNT", "0"},
                () -> new String[] {"LMPOP", "2", pick(random, lists), "missing", "LEFT", "COUNT", "2"},
                () -> new String[] {"LINDEX", pick(random, lists), Integer.toString(random.nextInt(5))},
                () -> new String[] {"SISMEMBER", "set1", "x"},
                () -> new String[] {"SMISMEMBER", "set1", "x", "nope"},
                () -> random.nextBoolean() ? new String[] {"SMEMBERS", "missing"} // a set's order differs between servers
                        : new String[] {"SORT", "set-small", "ALPHA"},
                () -> new String[] {"SADD", "set-small", "m" + random.nextInt(3)},
                () -> new String[] {"ZADD", pick(random, zsets), Integer.toString(random.nextInt(9)), "m" + random.nextInt(4)},
                () -> new String[] {"ZRANGE", pick(random, zsets), "0", "-1", "WITHSCORES"},
                () -> new String[] {"ZMSCORE", "z1", "one", "nope"},
                () -> new String[] {"ZPOPMIN", pick(random, zsets), Integer.toString(random.nextInt(2) + 1)},
                () -> new String[] {"ZMPOP", "1", "missing", "MIN"},
                () -> new String[] {"ZRANDMEMBER", "missing"},
                () -> new String[] {"HGETALL", random.nextBoolean() ? "h1" : "h2"},
                () -> new String[] {"HMGET", "h1", "f1", "nope", "f2"},
                () -> new String[] {"HSET", "h2", "f" + random.nextInt(4), "v"},
                () -> new String[] {"HRANDFIELD", "missing", "2", "WITHVALUES"},
                () -> new String[] {"XRANGE", "st1", "-", "+", "COUNT", Integer.toString(random.nextInt(3) + 1)},
                () -> new String[] {"XREAD", "COUNT", "2", "STREAMS", "st1", random.nextBoolean() ? "0" : "5-0"},
                () -> new String[] {"XLEN", "st1"},
                () -> new String[] {"GEOPOS", "g1", "Palermo", random.nextBoolean() ? "Catania" : "nowhere"},
                () -> new String[] {"GEODIST", "g1", "Palermo", random.nextBoolean() ? "Catania" : "nowhere", "km"},
                () -> new String[] {"GEOSEARCH", "g1", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHDIST"},
                () -> new String[] {"EVAL", "return {1, {2, 'x'}, {}, 'y'}", "0"},
                () -> new String[] {"EVAL", "return redis.call('LRANGE', KEYS[1], 0, -1)", "1", pick(random, lists)},
                () -> new String[] {"TYPE", pick(random, strings)},
                () -> new String[] {"EXISTS", pick(random, strings), pick(random, lists)},
                () -> new String[] {"TTL", pick(random, strings)},
                () -> new String[] {"DEL", "s" + random.nextInt(3)},
                () -> new String[] {"ECHO", "e" + random.nextInt(9)},
                () -> new String[] {"PING"},
                () -> new String[] {"SORT", "l1", "ALPHA", "LIMIT", "0", "2"},
                () -> new String[] {"OBJECT", "ENCODING", pick(random, lists)},
                () -> new String[] {"LPUSH", "s1", "wrongtype"},
                () -> new String[] {"INCR", "s1"},
                () -> new String[] {"NOSUCHCOMMAND", "x"},
                () -> new String[] {"GET"});
        List<String[]> commands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            commands.add(templates.get(random.nextInt(templates.size())).get());
        }
        return commands;
    }

    static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    String run(String... command) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (String word : command) {
            array.add(word);
        }
        return http.post("redis", array.build().toString()).body();
    }

    /** What Tether should answer for a reply read directly: Upstash's JSON shape of it. */
    static String expected(Object reply) {
        if (reply instanceof RespClient.RespError error) {
            return Json.createObjectBuilder().add("error", error.message()).build().toString();
        }
        return "{\"result\":" + json(reply) + "}";
    }

    static String json(Object reply) {
        if (reply == null) {
            return "null";
        }
        if (reply instanceof Long n) {
            return n.toString();
        }
        if (reply instanceof byte[] bytes) {
            return Json.createValue(new String(bytes, StandardCharsets.UTF_8)).toString();
        }
        if (reply instanceof String status) {
            return Json.createValue(status).toString();
        }
        if (reply instanceof RespClient.RespError error) {
            return Json.createValue(error.message()).toString();
        }
        List<String> items = new ArrayList<>();
        for (Object item : (List<?>) reply) {
            items.add(json(item));
        }
        return "[" + String.join(",", items) + "]";
    }
}
