package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Http;
import dev.tether.testing.ListeningSockets;
import dev.tether.testing.PayaraProcess;
import dev.tether.testing.RedisServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a user runs it: server-config/payara-micro/run.sh with a private Redis (nothing
 * answers at the configured address), stopped by SIGTERM to the script's own PID.
 */
class RunScriptIT {

    static final File BASEDIR = new File(System.getProperty("tether.basedir", "."));

    @Test
    void servesOnLoopbackAndStopsEverythingOnSigterm() throws Exception {
        int port = RedisServer.freePort();
        int redisPort = RedisServer.freePort();
        File log = new File(BASEDIR, "target/run-script-it.log");
        Process script = start(Map.of("TETHER_PORT", Integer.toString(port),
                "TETHER_REDIS_URL", "redis://127.0.0.1:" + redisPort, "TETHER_METRICS", "off"), log);
        try {
            Http http = new Http(URI.create("http://127.0.0.1:" + port + "/"), null);
            awaitReady(http, script, log);
            assertEquals("{\"result\":\"PONG\"}", http.post("redis", "[\"PING\"]").body());
            Http.Result metrics = http.get("metrics?scope=application");
            assertTrue(metrics.status() >= 400 && !metrics.body().contains("tether_redis"),
                    "TETHER_METRICS=off turns Payara's /metrics off: " + metrics);

            List<ProcessHandle> children = script.descendants().toList();
            assertTrue(children.size() >= 2, "Payara Micro and the private redis-server: " + children);
            for (ProcessHandle child : children) {
                List<ListeningSockets.Socket> open = ListeningSockets.of(child.pid()).stream()
                        .filter(s -> !s.loopback()).toList();
                assertEquals(List.of(), open, "sockets beyond loopback of " + child.info().command().orElse("?"));
            }
            String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            assertFalse(text.contains("\u001b["), "no colour escapes when the output is not a terminal");
            assertFalse(text.contains("NCLS-SECURITY-05054"), "no dump of the trust store's expired certificates");
            assertFalse(text.contains("deprecated"), "no deprecation warnings about Tether's own configuration");
            assertTrue(text.contains("No tether.token is configured"), "the no-token rule is said at start");

            long sent = System.nanoTime();
            script.destroy(); // SIGTERM to the script alone, not to its process group
            assertTrue(script.waitFor(5, TimeUnit.SECONDS), "run.sh still running 5 s after SIGTERM");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertEquals(0, script.exitValue(), "a requested stop exits 0");
            for (ProcessHandle child : children) {
                child.onExit().get(5, TimeUnit.SECONDS);
                assertFalse(child.isAlive(), child + " left running");
            }
            System.out.println("run.sh stopped with everything it started in " + millis + " ms");
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
        startsAgainFromItsPreparedRuntime(port, redisPort);
    }

    /** The second start reuses the unpacked runtime and its class archive, and deploys only the current WAR. */
    private static void startsAgainFromItsPreparedRuntime(int port, int redisPort) throws Exception {
        File log = new File(BASEDIR, "target/run-script-again.log");
        Process script = start(Map.of("TETHER_PORT", Integer.toString(port),
                "TETHER_REDIS_URL", "redis://127.0.0.1:" + redisPort, "TETHER_METRICS", "off"), log);
        try {
            Http http = new Http(URI.create("http://127.0.0.1:" + port + "/"), null);
            long started = System.nanoTime();
            awaitReady(http, script, log);
            System.out.println("second start ready in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                    + " ms");
            assertEquals("{\"result\":\"PONG\"}", http.post("redis", "[\"PING\"]").body());
            String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            assertFalse(text.contains("Preparing Payara Micro's runtime"), "the runtime is prepared once: " + text);
            assertTrue(text.contains("target/payara/root-"), "runs from the prepared root directory: " + text);
            assertFalse(text.contains("SEVERE"), "one clean deployment, nothing left from the last one: " + text);
            script.destroy();
            assertTrue(script.waitFor(5, TimeUnit.SECONDS), "run.sh still running 5 s after SIGTERM");
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }

    @Test
    void refusesAnOpenBindWithoutAToken() throws Exception {
        File log = new File(BASEDIR, "target/run-script-refusal.log");
        Process script = start(Map.of("TETHER_BIND", "0.0.0.0", "TETHER_TOKEN", ""), log);
        assertTrue(script.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, script.exitValue());
        String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(text.contains("Refusing to start") && text.contains("TETHER_TOKEN"), text);
    }

    private static Process start(Map<String, String> env, File log) throws IOException {
        Files.deleteIfExists(log.toPath());
        return PayaraProcess.script(env, log);
    }

    private static void awaitReady(Http http, Process script, File log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(script.isAlive(), () -> "run.sh exited: " + read(log));
            try {
                if (http.get("health/ready").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            RedisServer.sleep(250);
        }
        throw new AssertionError("not ready within 180 s: " + read(log));
    }

    private static String read(File log) {
        try {
            return Files.readString(log.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
