package dev.tether.testing;

import java.io.File;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Redis Cluster for one test class: six {@code redis-server --cluster-enabled yes} on free loopback ports
 * (three masters, three replicas), joined by {@code redis-cli --cluster create … --cluster-replicas 1}. Every
 * process is started and stopped by this class (by its PID, never by name). A field of this type in a
 * {@link TetherIT} class is filled before the deployment and closed after the class.
 */
public final class RedisCluster implements AutoCloseable {

    /** ms without an answer before the cluster marks a node failed and promotes its replica. */
    public static final int NODE_TIMEOUT = 2000;

    /** On the {@code RedisCluster} field: every node requires this password ({@code requirepass}, {@code masterauth}). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Password {
        String value();
    }

    private final List<RedisServer> nodes = new ArrayList<>();
    private final String password;

    private RedisCluster(String password) {
        this.password = password;
    }

    public static RedisCluster start() {
        return start(null);
    }

    /** {@code password}: null for none. */
    public static RedisCluster start(String password) {
        RedisCluster cluster = new RedisCluster(password);
        try {
            for (int port : ports(6)) {
                List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT)));
                if (password != null) {
                    args.addAll(List.of("--requirepass", password, "--masterauth", password));
                }
                cluster.nodes.add(RedisServer.startOn(port, args.toArray(String[]::new)));
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            cluster.nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
            command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            command.addAll(cluster.cliAuth());
            run(command, cluster.nodes.get(0).dir().resolve("create.log").toFile());
            cluster.awaitOk(30_000);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The seed addresses for {@code tether.redis.nodes}. */
    public String seeds() {
        StringBuilder out = new StringBuilder();
        for (RedisServer node : nodes) {
            out.append(out.isEmpty() ? "" : ",").append("redis://127.0.0.1:").append(node.port());
        }
        return out.toString();
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** A RESP client on {@code node}, authenticated when the cluster has a password. */
    public RespClient client(RedisServer node) {
        RespClient c = node.client();
        if (password != null) {
            c.call("AUTH", password);
        }
        return c;
    }

    /** The arguments that give redis-cli the password ({@code -a …}), or none. */
    public List<String> cliAuth() {
        return password == null ? List.of() : List.of("--no-auth-warning", "-a", password);
    }

    /** The running masters now, as the first node that answers sees them (CLUSTER NODES). */
    public List<RedisServer> masters() {
        List<RedisServer> masters = new ArrayList<>();
        for (String line : clusterNodes().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 7 && f[2].contains("master") && !f[2].contains("fail") && f[7].equals("connected")) {
                int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                nodes.stream().filter(n -> n.port() == port && n.alive()).findFirst().ifPresent(masters::add);
            }
        }
        return masters;
    }

    /** The master serving {@code key}'s slot now. */
    public RedisServer masterOf(String key) {
        long slot;
        try (RespClient any = anyClient()) {
            slot = (Long) any.call("CLUSTER", "KEYSLOT", key);
        }
        for (String line : clusterNodes().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
                for (int i = 8; i < f.length; i++) {
                    String[] range = f[i].split("-");
                    if (range[0].startsWith("[")) {
                        continue;
                    }
                    long from = Long.parseLong(range[0]);
                    long to = range.length > 1 ? Long.parseLong(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                    }
                }
            }
        }
        throw new IllegalStateException("no master for slot " + slot);
    }

    /** The node's cluster id (CLUSTER MYID), as redis-cli --cluster names it. */
    public String id(RedisServer node) {
        try (RespClient c = client(node)) {
            Object id = c.call("CLUSTER", "MYID");
            return id instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : id.toString();
        }
    }

    /** A RESP client on a running node (any). */
    public RespClient anyClient() {
        for (RedisServer node : nodes) {
            if (node.alive()) {
                return client(node);
            }
        }
        throw new IllegalStateException("no node running");
    }

    /** Waits until every running node reports cluster_state:ok. */
    public void awaitOk(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisServer node : nodes) {
                if (!node.alive()) {
                    continue;
                }
                try (RespClient c = client(node)) {
                    String info = new String((byte[]) c.call("CLUSTER", "INFO"), StandardCharsets.UTF_8);
                    if (!info.contains("cluster_state:ok")) {
                        ok = false;
                        last = node.port() + ": " + info.lines().findFirst().orElse("");
                    }
                } catch (RuntimeException e) {
                    ok = false;
                    last = node.port() + ": " + e;
                }
            }
            if (ok) {
                return;
            }
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("the cluster did not reach cluster_state:ok within " + millis + " ms: " + last);
    }

    /** Runs redis-cli (e.g. {@code --cluster reshard}) to completion, its output in {@code log}; fails on a non-zero exit. */
    public static void run(List<String> command, File log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within 120 s; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ": "
                        + java.nio.file.Files.readString(log.toPath()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String clusterNodes() {
        try (RespClient any = anyClient()) {
            return new String((byte[]) any.call("CLUSTER", "NODES"), StandardCharsets.UTF_8);
        }
    }

    /** n free ports below 55536 whose bus ports (+10000) are free too. */
    private static List<Integer> ports(int n) {
        List<Integer> ports = new ArrayList<>();
        for (int attempt = 0; ports.size() < n && attempt < 500; attempt++) {
            try {
                int port = RedisServer.freePort();
                if (port > 55535 || ports.contains(port) || !free(port + 10000)) {
                    continue;
                }
                ports.add(port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (ports.size() < n) {
            throw new IllegalStateException("no " + n + " free port pairs (port, port + 10000) found");
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
