package dev.tether.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import dev.tether.testing.RespClient;
import dev.tether.testing.Tether;
import dev.tether.testing.TetherIT;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real, unchanged {@code @upstash/redis} SDK (pinned in src/test/js/upstash-sdk/package-lock.json) against
 * Tether: runs {@code node --test} on upstash-sdk.test.mjs and checks its summary, then checks in Redis what the
 * SDK wrote. Its node_modules come from {@code npm ci}, which Maven runs in pre-integration-test when they are
 * missing (profile upstash-sdk-npm-ci).
 */
@Tag("smoke")
@TetherIT
@RunAsClient
class UpstashSdkIT {

    static final String TOKEN = "sdk-test-token";
    /** The number of tests in upstash-sdk.test.mjs: all must run and pass. */
    static final int EXPECTED_TESTS = 20;
    static final long NODE_TIMEOUT_SECONDS = 120;
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
        Path dir = Path.of(System.getProperty("tether.basedir", "."), "src", "test", "js", "upstash-sdk").toAbsolutePath();
        checkInstalledSdk(dir);
        URI redisUrl = Tether.base(url).resolve("redis");
        assertEquals("127.0.0.1", redisUrl.getHost());
        // the deployment answers before node starts, so a failure below is the SDK's, not a slow boot
        Http.Result ping = new Http(Tether.base(url), TOKEN).post("redis", "[\"PING\"]");
        assertEquals("{\"result\":\"PONG\"}", ping.body(), ping::toString);

        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=tap", "upstash-sdk.test.mjs")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("UPSTASH_") || name.startsWith("KV_") || name.equals("NODE_OPTIONS"));
        env.put("TETHER_URL", redisUrl.toString());
        env.put("TETHER_TOKEN", TOKEN);

        long started = System.nanoTime();
        Process node = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(node.getInputStream(), output), "node-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished = node.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        String text = output.toString(StandardCharsets.UTF_8);
        long millis = (System.nanoTime() - started) / 1_000_000;
        // failsafe keeps this in target/failsafe-reports/dev.tether.gateway.UpstashSdkIT-output.txt
        System.out.println("---- node --test upstash-sdk.test.mjs (" + millis + " ms) against " + redisUrl + " ----");
        System.out.println(text);
        System.out.println("---- end of node output ----");

        if (!finished) {
            fail("node --test did not finish within " + NODE_TIMEOUT_SECONDS + " s; output:\n" + text);
        }
        assertEquals(0, node.exitValue(), () -> "node --test failed; output:\n" + text);
        assertEquals(EXPECTED_TESTS, summary(text, "tests"), () -> "test count; output:\n" + text);
        assertEquals(EXPECTED_TESTS, summary(text, "pass"), () -> "passes; output:\n" + text);
        assertEquals(0, summary(text, "fail"), () -> "failures; output:\n" + text);
        assertEquals(0, summary(text, "cancelled"), () -> "cancelled; output:\n" + text);
        assertEquals(0, summary(text, "skipped"), () -> "skipped; output:\n" + text);
        assertEquals(0, summary(text, "todo"), () -> "todo; output:\n" + text);
        assertTrue(text.contains("ok " + EXPECTED_TESTS + " - "), () -> "no result line for the last test:\n" + text);

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

    /** Fails early, with a clear message, when node_modules does not hold the SDK version package-lock.json pins. */
    private static void checkInstalledSdk(Path dir) throws IOException {
        Path installed = dir.resolve("node_modules/@upstash/redis/package.json");
        if (!Files.isRegularFile(installed)) {
            fail(installed + " is missing: run 'npm ci' in " + dir + " (mvn verify does it in pre-integration-test)");
        }
        JsonObject lock = (JsonObject) Http.parse(Files.readString(dir.resolve("package-lock.json")));
        String pinned = lock.getJsonObject("packages").getJsonObject("node_modules/@upstash/redis").getString("version");
        String version = ((JsonObject) Http.parse(Files.readString(installed))).getString("version");
        assertEquals(pinned, version, "node_modules is stale: run 'npm ci' in " + dir);
    }

    /** A number from node's TAP summary, e.g. "# pass 16". */
    static int summary(String output, String name) {
        Matcher m = Pattern.compile("^# " + name + " (\\d+)$", Pattern.MULTILINE).matcher(output);
        if (!m.find()) {
            fail("no '# " + name + "' line in the node output:\n" + output);
        }
        return Integer.parseInt(m.group(1));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
