package dev.tether.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisCluster;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.io.File;
import java.net.URL;
import java.util.ArrayList;
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
 * A Redis Cluster changing under traffic: a slot migration ({@code redis-cli --cluster reshard}) while clients
 * send INCRs, alone and in pipelines, to keys in the moving slots (no error, every INCR counted once); a pipeline
 * into a slot held half-migrated by hand (ASK); then {@code kill -9} of a master (fast 503s with Retry-After,
 * recovery once its replica is promoted, no INCR applied twice, SSE subscribers carried over). Every node requires
 * a password, which Tether takes from its URL.
 */
@TetherIT
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    static final long TIMEOUT = 1000;
    static final String PASSWORD = "cluster-s3cret";

    @RedisCluster.Password(PASSWORD) // every node requires it: Tether authenticates from the URL's credentials
    static RedisCluster cluster;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.mode", "cluster",
                "tether.redis.nodes", cluster.seeds(),
                "tether.redis.url", "redis://:" + PASSWORD + "@127.0.0.1:6379",
                "tether.redis.timeout", Long.toString(TIMEOUT),
                "tether.redis.ping-interval", "1000",
                "tether.redis.health-interval", "250"));
    }

    @Test
    @Order(1)
    void aSlotMigrationDuringTrafficReturnsNoErrorAndCountsEveryIncrOnce() throws Exception {
        try (RespClient anonymous = cluster.nodes().get(0).client()) {
            Object refused = anonymous.call("GET", "mig:0");
            assertTrue(refused instanceof RespClient.RespError e && e.message().startsWith("NOAUTH"),
                    "the nodes require the password: " + refused);
        }
        RedisServer from = masterOfSlot(0);
        RedisServer to = cluster.masters().stream().filter(m -> m.port() != masterOfSlot(0).port()).findFirst().orElseThrow();
        // keys in the slots redis-cli moves first (the source's lowest), and a few elsewhere
        List<String> keys = new ArrayList<>();
        try (RespClient c = cluster.anyClient()) {
            for (int i = 0; keys.size() < 30 && i < 20_000; i++) {
                if ((Long) c.call("CLUSTER", "KEYSLOT", "mig:" + i) < 300) {
                    keys.add("mig:" + i);
                }
            }
        }
        keys.add("mig:elsewhere:a");
        keys.add("mig:elsewhere:b");
        assertTrue(keys.size() > 20, "keys in the moving slots: " + keys);
        String fromId = cluster.id(from);
        String toId = cluster.id(to);
        Http http = new Http(Tether.base(url), null);
        List<IncrTraffic.Outcome> all;
        IncrTraffic traffic = new IncrTraffic(http, i -> keys.get(i % keys.size()), 120_000);
        // and pipelines of 10 INCRs, each mixing keys in the moving slots with keys that stay (one "pipe:" per key)
        IncrTraffic pipelines = new IncrTraffic(http, i -> "pipe:" + keys.get((i * 7) % keys.size()), 120_000, 10);
        try {
            traffic.awaitCount(100, 20_000);
            long started = System.currentTimeMillis();
            RedisCluster.run(List.of("redis-cli", "--cluster", "reshard", "127.0.0.1:" + from.port(),
                    "--cluster-from", fromId, "--cluster-to", toId, "--cluster-slots", "300", "--cluster-yes",
                    "--no-auth-warning", "-a", PASSWORD),
                    new File(from.dir().toFile(), "reshard.log"));
            System.out.println("Reshard of 300 slots took " + (System.currentTimeMillis() - started) + " ms");
            int before = traffic.outcomes().size();
            traffic.awaitCount(before + 100, 20_000);
            pipelines.awaitCount(pipelines.outcomes().size() + 100, 20_000);
        } finally {
            traffic.close(); // every request answered before counting
            pipelines.close();
        }
        all = new ArrayList<>(traffic.outcomes());
        all.addAll(pipelines.outcomes());
        cluster.awaitOk(10_000);
        assertEquals(to.port(), masterOfSlot(0).port(), "slot 0 moved");
        Map<String, Integer> ok = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (IncrTraffic.Outcome o : all) {
            if (o.status() == 200) {
                ok.merge(o.key(), 1, Integer::sum);
            } else if (errors.size() < 5) {
                errors.add(o.status() + " " + o.body());
            }
        }
        System.out.println("Reshard under traffic: " + all.size() + " INCRs (" + pipelines.outcomes().size()
                + " of them in pipelines of 10), " + (all.size() - ok.values().stream().mapToInt(Integer::intValue).sum())
                + " not 200");
        assertEquals(List.of(), errors, "no error for a command Redis would have run");
        for (Map.Entry<String, Integer> e : ok.entrySet()) {
            try (RespClient c = cluster.client(cluster.masterOf(e.getKey()))) {
                assertEquals(Integer.toString(e.getValue()), c.text("GET", e.getKey()), "INCRs of " + e.getKey());
            }
        }
    }

    @Test
    @Order(2)
    void aPipelineIntoAHalfMigratedSlotRunsEveryCommandOnceAndKeepsEachReplyInItsPlace() {
        String tag = "{ask}";
        int slot = (int) slot(tag + ":here");
        RedisServer from = masterOfSlot(slot);
        RedisServer to = cluster.masters().stream().filter(m -> m.port() != from.port()).findFirst().orElseThrow();
        String list = null; // a key on the same master, another slot, holding a list: WRONGTYPE in its place
        for (int i = 0; list == null && i < 10_000; i++) {
            if (masterOfSlot((int) slot("ask:list:" + i)).port() == from.port() && slot("ask:list:" + i) != slot) {
                list = "ask:list:" + i;
            }
        }
        try (RespClient a = cluster.client(from); RespClient b = cluster.client(to)) {
            a.call("SET", tag + ":here", "10");
            a.call("RPUSH", list, "x");
            // the slot half-migrated, as redis-cli leaves it while it moves keys: keys still on the source run there,
            // keys not there get ASK (run them on the target after ASKING)
            assertEquals("OK", b.text("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", cluster.id(from)));
            assertEquals("OK", a.text("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", cluster.id(to)));
        }
        Http http = new Http(Tether.base(url), null);
        String pipeline = "[[\"INCR\",\"" + tag + ":here\"],[\"INCR\",\"" + tag + ":a\"],[\"INCR\",\"" + list
                + "\"],[\"INCR\",\"" + tag + ":b\"],[\"INCR\",\"" + tag + ":here\"]]";
        Http.Result r = http.post("redis/pipeline", pipeline);
        System.out.println("Pipeline into a migrating slot: " + r + " in " + r.millis() + " ms");
        // finish the migration by hand (what redis-cli does), then count what ran where
        try (RespClient a = cluster.client(from); RespClient b = cluster.client(to)) {
            a.call("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0", "5000", "AUTH", PASSWORD, "KEYS", tag + ":here");
            for (RedisServer node : List.of(to, from)) {
                try (RespClient c = cluster.client(node)) {
                    assertEquals("OK", c.text("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", cluster.id(to)));
                }
            }
            cluster.awaitOk(10_000);
            RedisServer.sleep(1500); // anything still being re-sent in the background would land by now
            assertEquals(List.of("12", "1", "1"), List.of(b.text("GET", tag + ":here"), String.valueOf(b.text("GET", tag + ":a")),
                    String.valueOf(b.text("GET", tag + ":b"))), "each INCR ran exactly once");
        }
        assertEquals(200, r.status(), r::toString);
        assertEquals("[{\"result\":11},{\"result\":1},{\"error\":\"WRONGTYPE Operation against a key holding the wrong "
                + "kind of value\"},{\"result\":1},{\"result\":12}]", r.body());
    }

    @Test
    @Order(3)
    void aKilledMasterMeansFast503sThenRecoveryAfterItsReplicaIsPromoted() throws Exception {
        String key = "kill:counter";
        RedisServer victim = cluster.masterOf(key);
        Http http = new Http(Tether.base(url), null);
        long killedAt;
        List<IncrTraffic.Outcome> all;
        // subscribers whose Redis subscriptions live on the master that dies (the channels hash like the key)
        FailoverSubscriber news = new FailoverSubscriber(Tether.base(url), null, "subscribe", "news:{" + key + "}");
        FailoverSubscriber orders = new FailoverSubscriber(Tether.base(url), null, "ssubscribe", "orders:{" + key + "}");
        IncrTraffic traffic = new IncrTraffic(http, i -> key, 90_000);
        try {
            traffic.awaitCount(200, 20_000);
            killedAt = System.currentTimeMillis();
            victim.kill();
            assertTrue(traffic.awaitAfterOutage(200, 100, 60_000), "no recovery within 60 s of the kill");
        } finally {
            traffic.close(); // every request answered before counting
        }
        all = traffic.outcomes();
        Report report = Report.of(all, killedAt, TIMEOUT);
        System.out.println("Cluster master kill: " + report);
        RedisServer promoted = cluster.masterOf(key);
        assertNotEquals(victim.port(), promoted.port(), "a replica took over");
        assertEquals(0, report.other(), () -> "only 200 and 503 expected: " + report.otherExamples());
        assertTrue(report.unavailable() > 0, "the kill was seen");
        assertEquals(report.unavailable(), report.withRetryAfter(), "every 503 carries Retry-After");
        assertTrue(report.slowest503() <= TIMEOUT + 1500, "a 503 took " + report.slowest503() + " ms");
        assertTrue(report.outageMillis() < 45_000, "recovered after " + report.outageMillis() + " ms");
        long value;
        try (RespClient c = cluster.client(promoted)) {
            value = Long.parseLong(c.text("GET", key));
        }
        System.out.println("Cluster master kill: counter " + value + " after " + report.ok() + " successful INCRs, "
                + report.ambiguous() + " timed out (may have run)");
        assertTrue(value <= report.ok() + report.ambiguous(), "an INCR was applied twice");
        Http.Result ready = new Http(Tether.management(url), null).get("health/ready");
        assertEquals(200, ready.status(), ready::toString);
        try (news; orders) {
            news.receivesAfterPromotion(http, 20_000);
            orders.receivesAfterPromotion(http, 20_000);
        }
        NodeMetrics nodes = new NodeMetrics(new Http(Tether.management(url), null));
        assertEquals(0.0, nodes.await("reachable", victim, 0, 5_000), "the killed master reads unreachable");
        assertEquals(1.0, nodes.await("master", promoted, 1, 5_000), "its promoted replica reads master");
        assertEquals(1.0, nodes.await("reachable", promoted, 1, 5_000), "its promoted replica reachable");
        assertTrue(nodes.value("pool_open", promoted) >= 1, "pooled connections to the promoted master");
    }

    private static RedisServer masterOfSlot(int slot) {
        try (RespClient c = cluster.anyClient()) {
            for (Object item : (List<?>) c.call("CLUSTER", "SLOTS")) {
                List<?> range = (List<?>) item;
                if ((Long) range.get(0) <= slot && slot <= (Long) range.get(1)) {
                    long port = (Long) ((List<?>) range.get(2)).get(1);
                    return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no master for slot " + slot);
    }

    private static long slot(String key) {
        try (RespClient c = cluster.anyClient()) {
            return (Long) c.call("CLUSTER", "KEYSLOT", key);
        }
    }
}
