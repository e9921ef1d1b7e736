package dev.tether.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real Webdis ({@code /usr/bin/webdis}, Debian's 0.1.9) on a free loopback port against a private
 * redis-server, not daemonized, stopped by its own PID: the reference the Webdis dialect's tests compare with.
 */
public final class WebdisProcess implements AutoCloseable {

    private final int port;
    private final Process process;

    private WebdisProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** True when the webdis binary is installed. */
    public static boolean available() {
        return new File("/usr/bin/webdis").canExecute();
    }

    public static WebdisProcess start(RedisServer redis) {
        try {
            int port = RedisServer.freePort();
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tether-webdis-");
            Path config = dir.resolve("webdis.json");
            Files.writeString(config, """
                    { "redis_host": "127.0.0.1", "redis_port": %d, "http_host": "127.0.0.1", "http_port": %d,
                      "threads": 1, "daemonize": false, "database": 0, "websockets": true,
                      "acl": [ { "disabled": ["DEBUG", "FLUSHALL", "FLUSHDB", "CONFIG", "SHUTDOWN"] } ],
                      "verbosity": 1, "logfile": "%s" }
                    """.formatted(redis.port(), port, dir.resolve("webdis.log")));
            Process process = new ProcessBuilder("/usr/bin/webdis", config.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("webdis.out").toFile()).start();
            WebdisProcess webdis = new WebdisProcess(port, process);
            Runtime.getRuntime().addShutdownHook(new Thread(webdis::close));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return webdis;
                } catch (IOException notYet) {
                    RedisServer.sleep(20);
                }
            }
            webdis.close();
            throw new IllegalStateException("webdis did not listen on " + port + " within 10 s; see " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy(); // this process's own PID only
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
