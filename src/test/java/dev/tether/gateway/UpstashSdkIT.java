package dev.tether.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import dev.tether.testing.UpstashSdk;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real, unchanged {@code @upstash/redis} SDK (pinned in src/test/js/upstash-sdk/package-lock.json) against
 * Tether on one Redis ({@link UpstashSdk}), then checks in Redis what the SDK wrote. {@code ClusterIT} runs the same
 * file against a Redis Cluster.
 */
@Tag("smoke")
@TetherIT
@RunAsClient
class UpstashSdkIT {

    static final String TOKEN = "sdk-test-token";
    static final byte[] RAW_BYTES = {0x00, (byte) 0xff, (byte) 0xfe, 0x61, (byte) 0x80, 0x0d, 0x0a, (byte) 0xc3, 0x28,
            (byte) 0xe2, (byte) 0x82};

    static RedisServer redis;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Tether.war(Map.of(
                "tether.redis.url", redis.url(),
                "tether.token", TOKEN,
                "tether.pubsub.keep-alive", "500")); // closed SDK streams are noticed at the next write
    }

    @Test
    void theUpstashSdkPassesItsTestsAgainstTether() throws Exception {
        URI redisUrl = Tether.base(url).resolve("redis");
        // the deployment answers before node starts, so a failure below is the SDK's, not a slow boot
        Http.Result ping = new Http(Tether.base(url), TOKEN).post("redis", "[\"PING\"]");
        assertEquals("{\"result\":\"PONG\"}", ping.body(), ping::toString);
        UpstashSdk.passes("on one Redis", redisUrl, TOKEN, Map.of());

        // what the SDK wrote, read straight from Redis
        try (RespClient resp = redis.client()) {
            assertEquals("ann", resp.text("HGET", "sdk:hash:user", "name"));
            assertEquals("43", resp.text("HGET", "sdk:hash:user", "age"));
            assertEquals("[\"a\",\"b\"]", resp.text("HGET", "sdk:hash:user", "tags"), "the SDK stores objects as JSON");
            assertEquals(null, resp.call("HGET", "sdk:hash:user", "note"));
            assertArrayEquals(RAW_BYTES, (byte[]) resp.call("GET", "sdk:bin:raw"), "non-UTF-8 bytes are stored exactly");
            assertArrayEquals(new byte[] {'z', 0, (byte) 0xff, (byte) 0x80, '\n'}, (byte[]) resp.call("GET", "sdk:bin:lua"));
            assertEquals("héllo ✓ 😀\r\n\u0000tab\t\"quote\"", resp.text("GET", "sdk:bin:u"));
            assertEquals("41", resp.text("GET", "sdk:auto:counter"), "40 auto-pipelined INCRs and one more");
            assertEquals(3L, resp.call("ZCARD", "sdk:zset:z"));
            assertEquals("7", resp.text("ZSCORE", "sdk:zset:z", "c"));
            assertEquals(3L, resp.call("XLEN", "sdk:stream:s"));
            assertNull(resp.call("GET", "sdk:multi:d"), "the transaction with FLUSHALL was discarded");
            assertEquals("v", resp.text("GET", "sdk:err:s"), "FLUSHALL and FLUSHDB were denied");
            long ttl = (Long) resp.call("TTL", "sdk:str:b");
            assertEquals(-1L, ttl, "set with nx and no ex has no expiry");
        }
    }
}
