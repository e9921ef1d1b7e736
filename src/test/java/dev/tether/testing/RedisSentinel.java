package dev.tether.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Sentinel setup for one test class: a primary, one replica and three {@code redis-server --sentinel}
 * watching them (quorum 2, down after {@link #DOWN_AFTER} ms), all on free loopback ports, started and stopped by
 * this class by their processes. The primary and the replica require {@link #PASSWORD} ({@code requirepass} and
 * {@code masterauth}; the sentinels use it through {@code auth-pass} and need none themselves), as a production
 * setup would. A field of this type in a {@link TetherIT} class is filled before the deployment.
 */
public final class RedisSentinel implements AutoCloseable {

    public static final String MASTER = "tether-primary";
    public static final int DOWN_AFTER = 1000;
    public static final String PASSWORD = "sentinel-s3cret";

    private final RedisServer primary;
    private final RedisServer replica;
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();

    private RedisSentinel(RedisServer primary, RedisServer replica) {
        this.primary = primary;
        this.replica = replica;
    }

    public static RedisSentinel start() {
        RedisServer primary = RedisServer.start("--requirepass", PASSWORD, "--masterauth", PASSWORD);
        RedisServer replica = RedisServer.start("--requirepass", PASSWORD, "--masterauth", PASSWORD,
                "--replicaof", "127.0.0.1", Integer.toString(primary.port()));
        RedisSentinel setup = new RedisSentinel(primary, replica);
        try {
            for (int i = 0; i < 3; i++) {
                setup.startSentinel();
            }
            setup.awaitReplicaInSync(15_000);
            return setup;
        } catch (RuntimeException | Error e) {
            setup.close();
            throw e;
        }
    }

    /** The sentinel addresses for {@code tether.redis.nodes}. */
    public String seeds() {
        StringBuilder out = new StringBuilder();
        for (int port : sentinelPorts) {
            out.append(out.isEmpty() ? "" : ",").append("redis://127.0.0.1:").append(port);
        }
        return out.toString();
    }

    public RedisServer primary() {
        return primary;
    }

    public RedisServer replica() {
        return replica;
    }

    /** A RESP client on {@code node} (the primary or the replica), authenticated. */
    public RespClient client(RedisServer node) {
        RespClient c = node.client();
        c.call("AUTH", PASSWORD);
        return c;
    }

    /** The primary's port as the sentinels report it now (SENTINEL GET-MASTER-ADDR-BY-NAME). */
    public int reportedPrimaryPort() {
        try (RespClient c = new RespClient("127.0.0.1", sentinelPorts.get(0))) {
            List<?> addr = (List<?>) c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
            return Integer.parseInt(new String((byte[]) addr.get(1), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void startSentinel() {
        try {
            int port = RedisServer.freePort();
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tether-sentinel-");
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + dir,
                    "sentinel resolve-hostnames no",
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                    "sentinel auth-pass " + MASTER + " " + PASSWORD,
                    "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER,
                    "sentinel failover-timeout " + MASTER + " 10000",
                    "sentinel parallel-syncs " + MASTER + " 1", ""));
            Process p = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "sentinel.log")).start();
            sentinels.add(p);
            sentinelPorts.add(port);
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    RedisServer.sleep(20);
                }
            }
            throw new IllegalStateException("sentinel did not listen on " + port + "; see " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReplicaInSync(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            try (RespClient c = client(replica)) {
                String info = new String((byte[]) c.call("INFO", "replication"), java.nio.charset.StandardCharsets.UTF_8);
                if (info.contains("master_link_status:up")) {
                    return;
                }
            }
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("the replica did not sync with the primary within " + millis + " ms");
    }

    @Override
    public void close() {
        for (Process p : sentinels) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        replica.close();
        primary.close();
    }
}
