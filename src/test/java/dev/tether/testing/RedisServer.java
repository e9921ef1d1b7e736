package dev.tether.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private redis-server for one test class, on a free loopback port. The test knows its process, so it can
 * kill it (SIGKILL) and start it again on the same port; it never touches the shared server on 6379.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final List<String> extraArgs;
    private final Path dir;
    private Process process;

    private RedisServer(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = extraArgs;
        this.dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tether-redis-");
    }

    /** Starts redis-server with extra {@code --name value} arguments, e.g. {@code "--timeout", "2"}. */
    public static RedisServer start(String... extraArgs) {
        try {
            RedisServer server = new RedisServer(freePort(), List.of(extraArgs));
            server.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts redis-server on a given port (a cluster node needs its bus port, port + 10000, free too). */
    public static RedisServer startOn(int port, String... extraArgs) {
        try {
            RedisServer server = new RedisServer(port, List.of(extraArgs));
            server.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory the server runs in (its log is redis.log there). */
    public Path dir() {
        return dir;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** A server with a port chosen but not running yet; {@link #restart()} starts it. */
    public static RedisServer notStarted(String... extraArgs) {
        try {
            RedisServer server = new RedisServer(freePort(), List.of(extraArgs));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the server gets no chance to close its connections cleanly. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void restart() {
        launch();
    }

    public RespClient client() {
        return new RespClient("127.0.0.1", port);
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void launch() {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(new File(dir.toFile(), "redis.log"))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (apt-get install -y redis-server)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + " within 10 s; see " + dir);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
