package dev.tether.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Payara Micro run by a test itself (for what Arquillian cannot do: stopping the server under connected clients,
 * restarting it, several instances), started by the run script as users start it.
 */
public final class PayaraProcess implements AutoCloseable {

    private final int port;
    private final Process process;

    private PayaraProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public static PayaraProcess start(Map<String, String> env, File log) {
        return start(env, log, Duration.ofSeconds(180));
    }

    /** As {@link #start(Map, File)}, waiting up to {@code timeout} for /health/live (a busy machine starts slowly). */
    public static PayaraProcess start(Map<String, String> env, File log, Duration timeout) {
        int port;
        try {
            port = RedisServer.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new HashMap<>(env);
        all.put("TETHER_PORT", Integer.toString(port));
        all.put("TETHER_WAR", System.getProperty("tether.war")); // the build under test, never rebuilt by the script
        PayaraProcess payara = new PayaraProcess(port, script(all, log));
        Runtime.getRuntime().addShutdownHook(new Thread(payara::kill));
        payara.awaitLive(timeout);
        return payara;
    }

    /**
     * The README's run script, {@code server-config/payara-micro/run.sh}, with {@code env} added to this process's
     * environment and its output appended to {@code log}: the one Payara Micro command line of the tests, the
     * benchmarks and the users (Arquillian's adapter builds its own, with the same pre-boot commands).
     */
    public static Process script(Map<String, String> env, File log) {
        File basedir = new File(System.getProperty("tether.basedir", "."));
        ProcessBuilder builder = new ProcessBuilder("bash", "server-config/payara-micro/run.sh").directory(basedir)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Java process the script started (its only Java child once the server answers). */
    private ProcessHandle java() {
        return process.children().filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Payara Micro under the run script " + process.pid()));
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** SIGTERM to the script, as Ctrl-C or an orchestrator would: Payara undeploys; then waits for the exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("Payara Micro (pid " + process.pid() + ") did not stop within 60 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            kill();
        }
    }

    /** SIGKILL (kill -9): the server dies without undeploying, as a crashed instance would. */
    public void killNow() {
        java().destroyForcibly(); // the script then exits with it
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP (true) or SIGCONT (false): the process freezes as a lagging instance would, its sockets open. */
    public void freeze(boolean stop) {
        try {
            Process kill = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(java().pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill " + (stop ? "-STOP" : "-CONT") + " of Payara Micro failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void awaitLive(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the run script exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(base().resolve("/health/live"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException notYet) { // not listening yet
                last = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            RedisServer.sleep(250);
        }
        kill();
        throw new IllegalStateException("Payara Micro (port " + port + ") did not answer /health/live within "
                + timeout.toSeconds() + " s; last: " + last);
    }
}
