package dev.tether.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisCluster;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.SseClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import dev.tether.testing.UpstashSdk;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tether on a Redis Cluster of three masters and three replicas (one cluster for the class): the Upstash SDK's
 * suite, CROSSSLOT as Redis answers it, pipelines split per master and put back in order, transactions in one
 * slot, the keyless rules, and SCAN over every master with one cursor. What Redis holds is read straight from the
 * master of each key's slot.
 */
@TetherIT
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the SDK's own SCAN test first, before 10,000 keys exist
class ClusterIT {

    static final String TOKEN = "cluster-token";

    static RedisCluster cluster;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.mode", "cluster",
                "tether.redis.nodes", cluster.seeds(),
                "tether.token", TOKEN,
                "tether.redis.timeout", "5000", // a loaded 2-core machine runs six redis-servers here
                "tether.pubsub.keep-alive", "500"));
    }

    private Http http() {
        return new Http(Tether.base(url), TOKEN);
    }

    private JsonObject call(String... words) {
        Http.Result r = http().post("redis", Http.command(words));
        return (JsonObject) r.json();
    }

    @Test
    void readinessReportsTheClusterState() {
        Http.Result ready = Report.awaitReady(new Http(Tether.management(url), null), 20_000);
        assertEquals(200, ready.status(), ready::toString);
        assertTrue(ready.body().contains("cluster_state ok on 3 masters"), ready::toString);
        Http.Result metrics = new Http(Tether.management(url), null).get("metrics?scope=application");
        assertEquals(200, metrics.status(), metrics::toString);
        assertTrue(java.util.regex.Pattern.compile("^tether_redis_masters(\\{[^}]*})? 3(\\.0)?$", java.util.regex.Pattern.MULTILINE)
                .matcher(metrics.body()).find(), () -> "no tether_redis_masters 3 in " + metrics.body());

        // per-node gauges for all six nodes: masters and replicas as the cluster lists them, pools on the masters only
        NodeMetrics nodes = new NodeMetrics(new Http(Tether.management(url), null));
        List<RedisServer> masters = cluster.masters();
        for (int i = 0; i < 30; i++) {
            assertEquals(200, http().post("redis", Http.command("SET", "node:" + i, "x")).status()); // keys on every master
        }
        for (RedisServer node : cluster.nodes()) {
            boolean master = masters.contains(node);
            assertEquals(1.0, nodes.await("reachable", node, 1, 5_000), "reachable " + node.port());
            assertEquals(master ? 1.0 : 0.0, nodes.await("master", node, master ? 1 : 0, 5_000), "role of " + node.port());
            Double open = nodes.value("pool_open", node);
            assertTrue(master ? open >= 1 : open == 0, "pool_open " + open + " on " + (master ? "master " : "replica ")
                    + node.port());
            assertTrue(nodes.value("pool_active", node) != null && nodes.value("pool_idle", node) != null);
        }
    }

    @Test
    @Order(1)
    void theUpstashSdkSuitePassesOnTheCluster() throws Exception {
        UpstashSdk.passes("on a Redis Cluster", Tether.base(url).resolve("redis"), TOKEN, Map.of("TETHER_CLUSTER", "1"));
        try (RespClient owner = cluster.masterOf("{sdk:hash}:user").client()) {
            assertEquals("ann", owner.text("HGET", "{sdk:hash}:user", "name"));
        }
        try (RespClient owner = cluster.masterOf("{sdk:auto}:counter").client()) {
            assertEquals("41", owner.text("GET", "{sdk:auto}:counter"));
        }
        // the SDK's keys landed on every master (its tests' tags spread them), not on one node
        for (RedisServer master : cluster.masters()) {
            try (RespClient c = master.client()) {
                List<?> keys = (List<?>) c.call("KEYS", "*sdk*");
                assertTrue(keys.size() > 0, "no SDK key on master " + master.port());
            }
        }
    }

    @Test
    void keysInSeveralSlotsGetRedisOwnCrossslotError() {
        String a = "cross:a";
        String b = "cross:b";
        assertNotEquals(cluster.masterOf(a).port() + ":" + slot(a), cluster.masterOf(b).port() + ":" + slot(b));
        Object direct;
        try (RespClient c = cluster.masterOf(a).client()) {
            direct = c.call("MGET", a, b);
        }
        String redisSays = ((RespClient.RespError) direct).message();
        Http.Result r = http().post("redis", Http.command("MGET", a, b));
        assertEquals(400, r.status(), r::toString);
        assertEquals(Json.createObjectBuilder().add("error", redisSays).build(), r.json());
        assertEquals("CROSSSLOT Keys in request don't hash to the same slot", redisSays);

        // one hash tag: one slot, so MSET and MGET work
        assertEquals("OK", call("MSET", "{user:7}:name", "ann", "{user:7}:age", "42").getString("result"));
        assertEquals("[\"ann\",\"42\"]", call("MGET", "{user:7}:name", "{user:7}:age").get("result").toString());

        // a transaction across slots: refused as a whole, nothing written
        Http.Result multi = http().post("redis/multi-exec", "[[\"SET\",\"cross:c\",\"1\"],[\"SET\",\"cross:d\",\"2\"]]");
        assertEquals(400, multi.status(), multi::toString);
        assertEquals(redisSays, ((JsonObject) multi.json()).getString("error"));
        try (RespClient c = cluster.masterOf("cross:c").client()) {
            assertEquals(null, c.call("GET", "cross:c"));
        }
        // a transaction in one slot runs atomically on its master
        Http.Result tagged = http().post("redis/multi-exec",
                "[[\"SET\",\"{tx}:a\",\"1\"],[\"INCR\",\"{tx}:a\"],[\"LPUSH\",\"{tx}:a\",\"x\"],[\"GET\",\"{tx}:a\"]]");
        assertEquals(200, tagged.status(), tagged::toString);
        assertEquals("[{\"result\":\"OK\"},{\"result\":2},{\"error\":\"WRONGTYPE Operation against a key holding the wrong "
                + "kind of value\"},{\"result\":\"2\"}]", tagged.body());
    }

    @Test
    void pipelinesAreSplitPerMasterAndRepliesComeBackInOrder() {
        JsonArrayBuilder commands = Json.createArrayBuilder();
        Map<Integer, Integer> perMaster = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            commands.add(Json.createArrayBuilder().add("SET").add("pipe:" + i).add("v" + i));
            commands.add(Json.createArrayBuilder().add("INCR").add("pipe:n:" + i));
            commands.add(Json.createArrayBuilder().add("GET").add("pipe:" + i));
            perMaster.merge(cluster.masterOf("pipe:" + i).port(), 1, Integer::sum);
        }
        commands.add(Json.createArrayBuilder().add("LPUSH").add("pipe:0").add("x"));  // 300: WRONGTYPE in its place
        commands.add(Json.createArrayBuilder().add("MGET").add("pipe:0").add("pipe:1")); // 301: CROSSSLOT in its place
        commands.add(Json.createArrayBuilder().add("DBSIZE"));                         // 302: summed over masters
        commands.add(Json.createArrayBuilder().add("PING"));                           // 303: any master
        assertEquals(3, perMaster.size(), "the keys span every master: " + perMaster);
        Http.Result r = http().post("redis/pipeline", commands.build().toString());
        assertEquals(200, r.status(), r::toString);
        JsonArray replies = (JsonArray) r.json();
        assertEquals(304, replies.size());
        for (int i = 0; i < 100; i++) {
            assertEquals("OK", replies.getJsonObject(3 * i).getString("result"));
            assertEquals(1, replies.getJsonObject(3 * i + 1).getInt("result"));
            assertEquals("v" + i, replies.getJsonObject(3 * i + 2).getString("result"));
        }
        assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value",
                replies.getJsonObject(300).getString("error"));
        assertEquals("CROSSSLOT Keys in request don't hash to the same slot", replies.getJsonObject(301).getString("error"));
        assertEquals(directDbSize(), replies.getJsonObject(302).getInt("result"));
        assertEquals("PONG", replies.getJsonObject(303).getString("result"));
        for (int i = 0; i < 100; i += 17) {
            try (RespClient c = cluster.masterOf("pipe:" + i).client()) {
                assertEquals("v" + i, c.text("GET", "pipe:" + i));
            }
        }
    }

    @Test
    void scanVisitsEveryKeyOfEveryMasterExactlyOnce() {
        int n = 10_000;
        for (int batch = 0; batch < n / 500; batch++) {
            JsonArrayBuilder sets = Json.createArrayBuilder();
            for (int i = batch * 500; i < (batch + 1) * 500; i++) {
                sets.add(Json.createArrayBuilder().add("SET").add("scan:" + i).add(Integer.toString(i)));
            }
            Http.Result r = http().post("redis/pipeline", sets.build().toString());
            assertEquals(200, r.status(), r::toString);
            assertTrue(!r.body().contains("error"), r::toString);
        }
        Map<String, Integer> seen = new HashMap<>();
        String cursor = "0";
        int rounds = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        do {
            JsonArray result = call("SCAN", cursor, "MATCH", "scan:*", "COUNT", "1000").getJsonArray("result");
            cursor = result.getString(0);
            for (JsonValue key : result.getJsonArray(1)) {
                seen.merge(((jakarta.json.JsonString) key).getString(), 1, Integer::sum);
            }
            rounds++;
        } while (!cursor.equals("0") && rounds < 1000 && System.currentTimeMillis() < deadline);
        assertEquals("0", cursor, "the scan did not end in " + rounds + " rounds");
        assertEquals(n, seen.size(), "distinct keys visited");
        assertEquals(Map.of(), filter(seen), "keys visited more than once");
        assertTrue(rounds >= 3, "one round per master at least, took " + rounds);

        // a bad cursor is Redis's own error, not a 500
        Http.Result bad = http().post("redis", Http.command("SCAN", "not-a-cursor"));
        assertEquals(400, bad.status(), bad::toString);
        assertEquals("ERR invalid cursor", ((JsonObject) bad.json()).getString("error"));

        // the keyless rules: DBSIZE summed over the masters, KEYS from every master, RANDOMKEY from any
        assertEquals(directDbSize(), call("DBSIZE").getInt("result"));
        assertEquals(10, call("KEYS", "scan:1?").getJsonArray("result").size(), "KEYS scan:1? finds scan:10..scan:19");
        assertEquals(n, call("KEYS", "scan:*").getJsonArray("result").size(), "KEYS from every master");
        assertNotNull(call("RANDOMKEY").getString("result"));
        JsonArray info = call("INFO", "server").getJsonArray("result");
        assertEquals(6, info.size(), "INFO answered per master: [node, text] × 3");
    }

    @Test
    void pubSubIsClusterWideAndShardedPubSubFollowsTheSlot() {
        long t = 10_000;
        java.net.URI base = Tether.base(url);
        try (SseClient news = SseClient.open(base, "redis/subscribe/cluster-news", TOKEN, "[]");
             SseClient shard = SseClient.open(base, "redis/ssubscribe/orders:%7Beu%7D", TOKEN, "[]")) {
            assertEquals(200, news.status(), news::body);
            assertEquals("data: subscribe,cluster-news,1", news.nextData(t));
            assertEquals(200, shard.status(), shard::body);
            assertEquals("data: ssubscribe,orders:{eu},1", shard.nextData(t));

            assertEquals("{\"result\":1}", http().post("redis", Http.command("PUBLISH", "cluster-news", "one")).body());
            assertEquals("data: message,cluster-news,one", news.nextData(t));
            // published on every master directly: Redis Cluster carries it to Tether's subscription wherever it is
            for (RedisServer master : cluster.masters()) {
                try (RespClient c = master.client()) {
                    c.call("PUBLISH", "cluster-news", "from " + master.port());
                }
                assertEquals("data: message,cluster-news,from " + master.port(), news.nextData(t));
            }
            // PUBSUB NUMSUB summed over the masters: one subscription in Redis for this instance
            assertEquals("[\"cluster-news\",1]", call("PUBSUB", "NUMSUB", "cluster-news").get("result").toString());

            // sharded: SPUBLISH goes to the channel's slot (a key spec of Redis's), where the SSUBSCRIBE is
            assertEquals("{\"result\":1}", http().post("redis", Http.command("SPUBLISH", "orders:{eu}", "o1")).body());
            assertEquals("data: message,orders:{eu},o1", shard.nextData(t));
            try (RespClient owner = cluster.masterOf("orders:{eu}").client()) {
                assertEquals(List.of("orders:{eu}".getBytes(java.nio.charset.StandardCharsets.UTF_8).length, 1L),
                        List.of(((byte[]) ((List<?>) owner.call("PUBSUB", "SHARDNUMSUB", "orders:{eu}")).get(0)).length,
                                ((List<?>) owner.call("PUBSUB", "SHARDNUMSUB", "orders:{eu}")).get(1)));
            }
        }
    }

    private static Map<String, Integer> filter(Map<String, Integer> seen) {
        Map<String, Integer> twice = new HashMap<>();
        seen.forEach((k, v) -> {
            if (v != 1) {
                twice.put(k, v);
            }
        });
        return twice;
    }

    private static long directDbSize() {
        long total = 0;
        for (RedisServer master : cluster.masters()) {
            try (RespClient c = master.client()) {
                total += (Long) c.call("DBSIZE");
            }
        }
        return total;
    }

    private static long slot(String key) {
        try (RespClient c = cluster.anyClient()) {
            return (Long) c.call("CLUSTER", "KEYSLOT", key);
        }
    }
}
