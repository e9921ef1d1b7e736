package dev.tether.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The request threads' own connections, against a real redis-server. */
class DirectLaneTest {

    static RedisSettings settings(String url, int poolSize, int pingInterval) {
        return new RedisSettings(url, url, poolSize, 0, pingInterval, 1000, 1000, 1000, 100, 500, 8, 1, 1,
                Optional.empty(), 2500, RedisSettings.Mode.SINGLE, List.of(), Optional.empty());
    }

    static List<byte[]> args(String... words) {
        return java.util.Arrays.stream(words).map(w -> w.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Test
    void repliesKeepEveryShapeAtEveryDepth() {
        try (RedisServer redis = RedisServer.start()) {
            DirectLane lane = new DirectLane(settings(redis.url(), 2, 30_000));
            assertEquals(new Reply.Status("OK"), lane.call("SET", args("k", "v")));
            assertEquals("v", new String(((Reply.Bulk) lane.call("GET", args("k"))).bytes(), StandardCharsets.UTF_8));
            assertEquals(Reply.NIL, lane.call("GET", args("missing")));
            assertEquals(new Reply.Int(1), lane.call("INCR", args("n")));
            Reply.Array nested = (Reply.Array) lane.call("EVAL", args("return {1, {}, {'a', {2}}}", "0"));
            assertEquals(new Reply.Int(1), nested.items().get(0));
            assertEquals(new Reply.Array(List.of()), nested.items().get(1));
            Reply.Array third = (Reply.Array) nested.items().get(2);
            assertEquals("a", new String(((Reply.Bulk) third.items().get(0)).bytes(), StandardCharsets.UTF_8));
            assertEquals(new Reply.Array(List.of(new Reply.Int(2))), third.items().get(1));
            Reply geo = lane.call("GEOPOS", args("nowhere", "m"));
            assertEquals(new Reply.Array(List.of(Reply.NIL_ARRAY)), geo);
            Reply.Error wrong = assertInstanceOf(Reply.Error.class, lane.call("LPUSH", args("k", "x")));
            assertTrue(wrong.message().startsWith("WRONGTYPE "), wrong.message());
            byte[] big = new byte[100_000];
            new java.util.Random(1).nextBytes(big);
            lane.call("SET", List.of("big".getBytes(StandardCharsets.US_ASCII), big));
            assertTrue(java.util.Arrays.equals(big, ((Reply.Bulk) lane.call("GET", args("big"))).bytes()));
            assertEquals(1, lane.open(), "one thread, one connection");
            lane.close();
        }
    }

    @Test
    void aConnectionTheServerDroppedIsNeverHandedOut() {
        try (RedisServer redis = RedisServer.start("--timeout", "1")) {
            DirectLane lane = new DirectLane(settings(redis.url(), 2, 500));
            assertEquals(new Reply.Status("PONG"), lane.call("PING", List.of()));
            RedisServer.sleep(2_500); // the server closes the idle connection after 1 s
            assertEquals(new Reply.Status("PONG"), lane.call("PING", List.of()), "answered on a fresh connection");
            assertEquals(1, lane.open());
            lane.close();
        }
    }

    @Test
    void aRedisRestartCostsNoRequest() {
        try (RedisServer redis = RedisServer.start()) {
            DirectLane lane = new DirectLane(settings(redis.url(), 2, 30_000));
            assertEquals(new Reply.Int(1), lane.call("INCR", args("n")));
            redis.kill(); // every connection closes; the lane's one is idle
            redis.restart();
            RedisServer.sleep(300);
            assertEquals(new Reply.Status("PONG"), lane.call("PING", List.of()), "a fresh connection, not a 503");
            assertEquals(1, lane.open());
            lane.close();
        }
    }

    @Test
    void aFullLaneLeavesTheCommandToThePoolAndADownServerIsUnavailable() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            DirectLane lane = new DirectLane(settings(redis.url(), 1, 30_000));
            CountDownLatch started = new CountDownLatch(1);
            Thread busy = new Thread(() -> {
                started.countDown();
                lane.call("BLPOP", args("nothing", "0.5"));
            });
            busy.start();
            started.await();
            RedisServer.sleep(100);
            assertNull(lane.call("PING", List.of()), "its one connection is busy: null, the caller uses the pool");
            busy.join(TimeUnit.SECONDS.toMillis(5));
            assertNotNull(lane.call("PING", List.of()));
            // a free connection, yet a Netty thread is left to the pool: it must never wait on a socket
            Reply[] onNetty = {new Reply.Status("not run")};
            Thread netty = new io.netty.util.concurrent.FastThreadLocalThread(() -> onNetty[0] = lane.call("PING", List.of()));
            netty.start();
            netty.join(5_000);
            assertNull(onNetty[0], "a Netty thread never waits on the lane's sockets");
            redis.kill();
            assertThrows(RedisUnavailableException.class, () -> lane.call("PING", List.of()));
            assertThrows(RedisUnavailableException.class, () -> lane.call("PING", List.of()));
            assertEquals(0, lane.open(), "nothing left open");
        }
    }

    @Test
    void theUrlsPasswordAndDatabaseApply() {
        try (RedisServer redis = RedisServer.start("--requirepass", "s3cret")) {
            String url = "redis://:s3cret@127.0.0.1:" + redis.port() + "/3";
            DirectLane lane = new DirectLane(settings(url, 1, 30_000));
            lane.call("SET", args("in3", "x"));
            Reply info = lane.call("CLIENT", args("INFO"));
            assertTrue(new String(((Reply.Bulk) info).bytes(), StandardCharsets.UTF_8).contains(" db=3 "), info.toString());
            DirectLane wrong = new DirectLane(settings("redis://:nope@127.0.0.1:" + redis.port(), 1, 30_000));
            assertThrows(RedisUnavailableException.class, () -> wrong.call("PING", List.of()));
            lane.close();
        }
    }
}
