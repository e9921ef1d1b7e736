package dev.tether.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.RedisSentinel;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * Tether behind Sentinel (a primary, a replica, three sentinels): {@code kill -9} of the primary during INCR
 * traffic. While no primary answers, requests get 503 with Retry-After, fast; after the sentinels promote the
 * replica, requests succeed again without a restart; no INCR is applied twice; an SSE subscriber opened before the
 * kill stays open and receives what is published after the promotion. The primary and the replica require a password
 * (the URL's), so all of this runs authenticated. Per-node gauges follow the roles.
 */
@TetherIT
@RunAsClient
class SentinelIT {

    static final long TIMEOUT = 1000;

    static RedisSentinel sentinel;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.mode", "sentinel",
                "tether.redis.nodes", sentinel.seeds(),
                "tether.redis.sentinel-master", RedisSentinel.MASTER,
                // the primary and the replica require a password: the URL's credentials go to every node
                "tether.redis.url", "redis://:" + RedisSentinel.PASSWORD + "@127.0.0.1:6379",
                "tether.redis.timeout", Long.toString(TIMEOUT),
                "tether.redis.ping-interval", "1000",
                "tether.redis.health-interval", "250"));
    }

    @Test
    void aKilledPrimaryMeansFast503sThenRecoveryAfterPromotionAndNoDoubleIncr() throws Exception {
        Http http = new Http(Tether.base(url), null);
        try (RespClient anonymous = sentinel.primary().client()) {
            Object refused = anonymous.call("GET", "sentinel:counter");
            assertTrue(refused instanceof RespClient.RespError e && e.message().startsWith("NOAUTH"),
                    "the primary requires the password: " + refused);
        }
        Http.Result ready = Report.awaitReady(new Http(Tether.management(url), null), 20_000);
        assertEquals(200, ready.status(), ready::toString);
        assertTrue(ready.body().contains("primary 127.0.0.1:" + sentinel.primary().port()), ready::toString);
        // per-node gauges: the primary and, from its ROLE, the replica
        NodeMetrics nodes = new NodeMetrics(new Http(Tether.management(url), null));
        assertEquals(1.0, nodes.await("reachable", sentinel.primary(), 1, 5_000), "primary reachable");
        assertEquals(1.0, nodes.await("master", sentinel.primary(), 1, 5_000), "primary is the master");
        assertEquals(1.0, nodes.await("reachable", sentinel.replica(), 1, 5_000), "replica reachable");
        assertEquals(0.0, nodes.await("master", sentinel.replica(), 0, 5_000), "replica is a replica");
        Http.Result warm = http.post("redis", Http.command("SET", "sentinel:warm", "1"));
        assertEquals(200, warm.status(), () -> warm + " " + warm.headers().map());
        assertTrue(nodes.value("pool_open", sentinel.primary()) >= 1, "a pooled connection to the primary");
        assertEquals(0.0, nodes.value("pool_open", sentinel.replica()), "no pool on the replica (commands go to the primary)");

        long killedAt;
        List<IncrTraffic.Outcome> all;
        FailoverSubscriber subscriber = new FailoverSubscriber(Tether.base(url), null, "subscribe", "sentinel-news");
        IncrTraffic traffic = new IncrTraffic(http, i -> "sentinel:counter", 60_000);
        try {
            traffic.awaitCount(200, 20_000);
            killedAt = System.currentTimeMillis();
            sentinel.primary().kill();
            assertTrue(traffic.awaitAfterOutage(200, 100, 40_000), "no recovery within 40 s of the kill");
        } finally {
            traffic.close(); // every request answered before counting
        }
        try (subscriber) {
            subscriber.receivesAfterPromotion(http, 20_000);
        }
        assertEquals(0.0, nodes.await("reachable", sentinel.primary(), 0, 5_000), "the killed primary reads unreachable");
        assertEquals(1.0, nodes.await("master", sentinel.replica(), 1, 5_000), "the promoted replica reads master");
        assertEquals(1.0, nodes.await("reachable", sentinel.replica(), 1, 5_000), "the promoted replica reachable");
        all = traffic.outcomes();
        Report report = Report.of(all, killedAt, TIMEOUT);
        System.out.println("Sentinel failover: " + report);
        assertEquals(sentinel.replica().port(), sentinel.reportedPrimaryPort(), "the sentinels promoted the replica");
        assertEquals(0, report.other(), () -> "only 200 and 503 expected: " + report.otherExamples());
        assertTrue(report.unavailable() > 0, "the kill was seen");
        assertEquals(report.unavailable(), report.withRetryAfter(), "every 503 carries Retry-After");
        assertTrue(report.slowest503() <= TIMEOUT + 1500, "a 503 took " + report.slowest503() + " ms");
        assertTrue(report.outageMillis() < 30_000, "recovered after " + report.outageMillis() + " ms");

        long value;
        try (RespClient c = sentinel.client(sentinel.replica())) {
            value = Long.parseLong(c.text("GET", "sentinel:counter"));
        }
        System.out.println("Sentinel failover: counter " + value + " after " + report.ok() + " successful INCRs, "
                + report.ambiguous() + " timed out (may have run)");
        assertTrue(value <= report.ok() + report.ambiguous(), "an INCR was applied twice: " + value + " > "
                + report.ok() + " + " + report.ambiguous());
        assertNotNull(report);
    }
}
