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
import java.nio.charset.StandardCharsets;
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
 * A Redis Cluster changing under traffic: a slot migration ({@code redis-cli --cluster reshard}) while a client
 * sends INCRs to keys in the moving slots (no error, every INCR counted once), then {@code kill -9} of a master
 * (fast 503s with Retry-After, recovery once its replica is promoted, no INCR applied twice).
 */
@TetherIT
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    static final long TIMEOUT = 1000;

    static RedisCluster cluster;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.mode", "cluster",
                "tether.redis.nodes", cluster.seeds(),
                "tether.redis.timeout", Long.toString(TIMEOUT),
                "tether.redis.ping-interval", "1000",
                "tether.redis.health-interval", "250"));
    }

    @Test
    @Order(1)
    void aSlotMigrationDuringTrafficReturnsNoErrorAndCountsEveryIncrOnce() throws Exception {
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
        String fromId = id(from);
        String toId = id(to);
        Http http = new Http(Tether.base(url), null);
        List<IncrTraffic.Outcome> all;
        IncrTraffic traffic = new IncrTraffic(http, i -> keys.get(i % keys.size()), 120_000);
        try {
            traffic.awaitCount(100, 20_000);
            long started = System.currentTimeMillis();
            RedisCluster.run(List.of("redis-cli", "--cluster", "reshard", "127.0.0.1:" + from.port(),
                    "--cluster-from", fromId, "--cluster-to", toId, "--cluster-slots", "300", "--cluster-yes"),
                    new File(from.dir().toFile(), "reshard.log"));
            System.out.println("Reshard of 300 slots took " + (System.currentTimeMillis() - started) + " ms");
            int before = traffic.outcomes().size();
            traffic.awaitCount(before + 100, 20_000);
        } finally {
            traffic.close(); // every request answered before counting
        }
        all = traffic.outcomes();
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
        System.out.println("Reshard under traffic: " + all.size() + " INCRs, " + (all.size() - ok.values().stream()
                .mapToInt(Integer::intValue).sum()) + " not 200");
        assertEquals(List.of(), errors, "no error for a command Redis would have run");
        for (Map.Entry<String, Integer> e : ok.entrySet()) {
            try (RespClient c = cluster.masterOf(e.getKey()).client()) {
                assertEquals(Integer.toString(e.getValue()), c.text("GET", e.getKey()), "INCRs of " + e.getKey());
            }
        }
    }

    @Test
    @Order(2)
    void aKilledMasterMeansFast503sThenRecoveryAfterItsReplicaIsPromoted() throws Exception {
        String key = "kill:counter";
        RedisServer victim = cluster.masterOf(key);
        Http http = new Http(Tether.base(url), null);
        long killedAt;
        List<IncrTraffic.Outcome> all;
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
        try (RespClient c = promoted.client()) {
            value = Long.parseLong(c.text("GET", key));
        }
        System.out.println("Cluster master kill: counter " + value + " after " + report.ok() + " successful INCRs, "
                + report.ambiguous() + " timed out (may have run)");
        assertTrue(value <= report.ok() + report.ambiguous(), "an INCR was applied twice");
        Http.Result ready = new Http(Tether.management(url), null).get("health/ready");
        assertEquals(200, ready.status(), ready::toString);
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

    private static String id(RedisServer node) {
        try (RespClient c = node.client()) {
            Object id = c.call("CLUSTER", "MYID");
            return id instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : id.toString();
        }
    }
}
