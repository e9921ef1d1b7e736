package dev.tether.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Pings Redis on a schedule over a fresh connection (so a half-open pooled connection cannot fake an outage)
 * and remembers whether it answered. Readiness reports it; while it says "down", requests fail fast with 503
 * instead of each waiting for a timeout.
 */
@ApplicationScoped
public class RedisMonitor {

    private static final Logger LOG = Logger.getLogger(RedisMonitor.class.getName());

    @Inject
    RedisConnector connector;

    @Inject
    RedisMetrics metrics;

    @Inject
    @ConfigProperty(name = "tether.redis.health-interval", defaultValue = "500")
    long intervalMillis;

    /** Every node of a cluster or Sentinel setup seen so far, by host:port; nodes are never removed, only updated. */
    private final Map<String, NodeState> nodes = new ConcurrentHashMap<>();

    private volatile Status status = new Status(false, "not checked yet", 0);
    private final java.util.concurrent.atomic.AtomicLong started = new java.util.concurrent.atomic.AtomicLong();
    private long recorded;
    private ScheduledFuture<?> task;

    public record Status(boolean up, String detail, long checkedAt) {
    }

    /** One node as the last check saw it: whether it answers, and whether it is a master (else a replica). */
    public record NodeState(boolean reachable, boolean master) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        task = connector.scheduler().scheduleWithFixedDelay(this::check, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    public Status status() {
        return status;
    }

    /** False only after a check failed: before the first check requests go through. */
    public boolean reachable() {
        Status now = status;
        return now.up() || now.checkedAt() == 0;
    }

    private void check() {
        long sequence = started.incrementAndGet();
        RedisSettings settings = connector.settings();
        if (settings.mode() == RedisSettings.Mode.CLUSTER) {
            checkCluster(sequence, settings);
            return;
        }
        CompletionStage<Reply> ping;
        boolean sentinel = settings.mode() == RedisSettings.Mode.SENTINEL;
        try {
            ping = connector.internals().openDedicated().thenCompose(connection ->
                    RedisInternals.run(connection, "PING", new Object[0], settings.timeout())
                            // with Sentinel, ROLE lists the replicas connected to the primary (per-node metrics)
                            .thenCompose(pong -> sentinel ? RedisInternals.run(connection, "ROLE", new Object[0],
                                    settings.timeout()) : CompletableFuture.completedFuture(pong))
                            .whenComplete((reply, error) -> connection.closeAsync()));
        } catch (IllegalStateException noMasterYet) {
            ping = connector.internals().run("PING", new Object[0]); // the first command sets the client up
        } catch (RuntimeException | LinkageError e) {
            // logged with its cause: an Error escaping a scheduled task would end the checks without a word
            LOG.log(Level.WARNING, "the Redis health check could not run", e);
            ping = CompletableFuture.failedFuture(e);
        }
        ping.toCompletableFuture()
                .orTimeout(settings.timeout() + settings.connectTimeout(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, error) -> record(sequence, error == null
                        ? new Status(true, "PING answered by " + master(settings), System.currentTimeMillis())
                        : new Status(false, master(settings) + " unreachable: " + RedisErrors.describe(error),
                                System.currentTimeMillis()), sentinel ? sentinelNodes(reply, error) : null));
    }

    /** The primary and, from its ROLE reply, its connected replicas; when it did not answer, only the primary. */
    private NodesSeen sentinelNodes(Reply role, Throwable error) {
        Map<String, NodeState> seen = new HashMap<>();
        List<RedisInternals.Node> masters;
        try {
            masters = connector.internals().masters();
        } catch (RuntimeException e) {
            masters = List.of();
        }
        masters.forEach(m -> seen.put(m.address(), new NodeState(error == null, true)));
        if (error == null && role instanceof Reply.Array array && array.items().size() > 2
                && array.items().get(2) instanceof Reply.Array replicas) {
            for (Reply replica : replicas.items()) {
                if (replica instanceof Reply.Array r && r.items().size() > 1) {
                    seen.put(text(r.items().get(0)) + ":" + text(r.items().get(1)), new NodeState(true, false));
                }
            }
        }
        return new NodesSeen(seen, error == null);
    }

    /**
     * A cluster is ready when every master Redisson knows answers CLUSTER INFO on a fresh connection with
     * {@code cluster_state:ok}: Redis itself refuses keys (CLUSTERDOWN) otherwise.
     */
    private void checkCluster(long sequence, RedisSettings settings) {
        List<RedisInternals.Node> masters;
        try {
            masters = connector.internals().masters();
        } catch (RuntimeException e) {
            masters = List.of();
        }
        if (masters.isEmpty()) {
            CompletionStage<Reply> first = connector.internals().run("PING", new Object[0]); // sets the client up
            first.toCompletableFuture().orTimeout(settings.timeout() + settings.connectTimeout(), TimeUnit.MILLISECONDS)
                    .whenComplete((r, e) -> record(sequence, new Status(false, settings.describe() + ": "
                            + (e == null ? "no master known yet" : RedisErrors.describe(e)), System.currentTimeMillis())));
            return;
        }
        List<CompletableFuture<String>> checks = new ArrayList<>();
        String[] topology = new String[masters.size()]; // each master's CLUSTER NODES, for per-node metrics
        for (int i = 0; i < masters.size(); i++) {
            RedisInternals.Node node = masters.get(i);
            int index = i;
            checks.add(node.open().thenCompose(connection ->
                            RedisInternals.run(connection, "CLUSTER", new Object[] {"INFO"}, settings.timeout())
                                    .thenCompose(info -> RedisInternals.run(connection, "CLUSTER", new Object[] {"NODES"},
                                            settings.timeout()).thenApply(view -> {
                                                topology[index] = text(view);
                                                return info;
                                            }))
                                    .whenComplete((reply, error) -> connection.closeAsync()))
                    .toCompletableFuture()
                    .orTimeout(settings.timeout() + settings.connectTimeout(), TimeUnit.MILLISECONDS)
                    .handle((reply, error) -> {
                        if (error != null) {
                            return node.address() + " unreachable: " + RedisErrors.describe(error);
                        }
                        String info = text(reply);
                        return info.contains("cluster_state:ok") ? null : node.address() + " reports cluster_state "
                                + info.replaceAll("(?s).*cluster_state:(\\w+).*", "$1");
                    }));
        }
        List<RedisInternals.Node> known = masters;
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            List<String> problems = checks.stream().map(CompletableFuture::join).filter(p -> p != null).toList();
            record(sequence, problems.isEmpty()
                    ? new Status(true, "cluster_state ok on " + known.size() + " masters ("
                            + known.stream().map(RedisInternals.Node::address).collect(Collectors.joining(", ")) + ")",
                            System.currentTimeMillis())
                    : new Status(false, String.join("; ", problems), System.currentTimeMillis()),
                    clusterNodes(known, checks, topology));
        });
    }

    /**
     * Every node in the cluster's own view (CLUSTER NODES of the first master that answered): its role, reachable
     * unless flagged failing or disconnected; a master Tether could not check itself counts as unreachable.
     */
    private static NodesSeen clusterNodes(List<RedisInternals.Node> masters, List<CompletableFuture<String>> checks,
                                          String[] topology) {
        Map<String, NodeState> seen = new HashMap<>();
        String view = null;
        for (int i = 0; i < masters.size(); i++) {
            String problem = checks.get(i).join(); // null: cluster_state ok
            boolean answered = problem == null || !problem.contains(" unreachable: ");
            seen.put(masters.get(i).address(), new NodeState(answered, true));
            view = view == null && answered ? topology[i] : view;
        }
        if (view == null) {
            return new NodesSeen(seen, false);
        }
        for (String line : view.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8 || f[2].contains("noaddr") || f[2].contains("handshake")) {
                continue;
            }
            String address = f[1].replaceAll("[@,].*", "");
            boolean up = !f[2].contains("fail") && f[7].equals("connected") || f[2].contains("myself");
            NodeState checked = seen.get(address);
            seen.put(address, new NodeState(up && (checked == null || checked.reachable()), f[2].contains("master")));
        }
        return new NodesSeen(seen, true);
    }

    /** Nodes seen by one check; {@code complete}: the whole topology, so a known node missing from it is gone. */
    private record NodesSeen(Map<String, NodeState> nodes, boolean complete) {
    }

    /** The nodes of a cluster or Sentinel setup as the last checks saw them, by host:port (empty for one Redis). */
    public Map<String, NodeState> nodes() {
        return Collections.unmodifiableMap(nodes);
    }

    private static String text(Reply reply) {
        return reply instanceof Reply.Bulk bulk ? new String(bulk.bytes(), StandardCharsets.UTF_8)
                : reply instanceof Reply.Status status ? status.text() : String.valueOf(reply);
    }

    /** The address, or with Sentinel the primary Redisson follows now. */
    private String master(RedisSettings settings) {
        if (settings.mode() != RedisSettings.Mode.SENTINEL) {
            return settings.address();
        }
        try {
            List<RedisInternals.Node> masters = connector.internals().masters();
            return "primary " + (masters.isEmpty() ? "?" : masters.get(0).address()) + " of "
                    + settings.sentinelMaster().orElse("?");
        } catch (RuntimeException e) {
            return settings.describe();
        }
    }

    private void record(long sequence, Status next) {
        record(sequence, next, null);
    }

    /** Checks overlap when Redis is slow; only a newer check's result replaces an older one. */
    private synchronized void record(long sequence, Status next, NodesSeen seen) {
        if (sequence < recorded) {
            return;
        }
        recorded = sequence;
        if (seen != null) {
            observe(seen);
        }
        Status previous = status;
        status = next;
        if (previous.up() != next.up()) {
            LOG.info(() -> "Redis is " + (next.up() ? "up" : "down") + ": " + next.detail());
        }
    }

    /** Updates the nodes; a node seen for the first time gets its gauges. */
    private void observe(NodesSeen seen) {
        if (seen.complete()) {
            nodes.replaceAll((address, state) -> seen.nodes().containsKey(address) ? state
                    : new NodeState(false, state.master()));
        }
        seen.nodes().forEach((address, state) -> {
            if (nodes.put(address, state) == null) {
                metrics.node(address, () -> nodes.get(address));
            }
        });
    }
}
