package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real, unchanged {@code @upstash/redis} SDK's test file (src/test/js/upstash-sdk/upstash-sdk.test.mjs,
 * {@code node --test}) against a Tether deployment and checks that every test ran and passed. Its node_modules come
 * from {@code npm ci}, which Maven runs in pre-integration-test when they are missing (profile upstash-sdk-npm-ci).
 */
public final class UpstashSdk {

    /** The number of tests in upstash-sdk.test.mjs: all must run and pass. */
    public static final int EXPECTED_TESTS = 20;
    static final long NODE_TIMEOUT_SECONDS = 120;

    private UpstashSdk() {
    }

    /** Runs the file with {@code env} added (e.g. TETHER_CLUSTER=1), asserts the summary, returns node's output. */
    public static String passes(String label, URI redisUrl, String token, Map<String, String> env) throws Exception {
        Path dir = Path.of(System.getProperty("tether.basedir", "."), "src", "test", "js", "upstash-sdk").toAbsolutePath();
        checkInstalledSdk(dir);
        assertEquals("127.0.0.1", redisUrl.getHost());
        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=tap", "upstash-sdk.test.mjs")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("UPSTASH_") || name.startsWith("KV_")
                || name.equals("NODE_OPTIONS") || name.startsWith("TETHER_"));
        environment.put("TETHER_URL", redisUrl.toString());
        environment.put("TETHER_TOKEN", token);
        environment.putAll(env);

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
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        // failsafe keeps this in target/failsafe-reports/<test class>-output.txt
        System.out.println("---- node --test upstash-sdk.test.mjs " + label + " (" + millis + " ms) against " + redisUrl
                + " ----");
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
        return text;
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
