package dev.tether.redis;

import java.util.ArrayList;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.redisson.api.BatchOptions;
import org.redisson.command.CommandBatchService;
import java.util.concurrent.CompletionStage;
import org.redisson.Redisson;
import org.redisson.client.RedisConnection;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.command.CommandAsyncExecutor;
import org.redisson.connection.ClientConnectionsEntry;
import org.redisson.connection.ConnectionManager;
import org.redisson.connection.MasterSlaveEntry;

/**
 * The one place that touches Redisson's internal API: running an arbitrary command, opening a connection
 * outside the pool, and reading pool statistics. Redisson matches its blocking and no-retry lists by the
 * upper-case name, so callers pass upper-case names only.
 */
public final class RedisInternals {

    /** Redis Cluster's hash slots. */
    public static final int SLOTS = 16384;

    private final CommandAsyncExecutor executor;

    RedisInternals(Redisson redisson) {
        this.executor = redisson.getCommandExecutor();
    }

    /** Runs one command on a pooled connection; its reply is decoded faithfully ({@link RespReplies}). */
    public CompletionStage<Reply> run(String upperName, Object[] args) {
        return executor.writeAsync((String) null, ByteArrayCodec.INSTANCE, new RespReplies.Raw(upperName), args);
    }

    /** Runs one command on a pooled connection to the master of {@code key}'s slot (following MOVED and ASK). */
    public CompletionStage<Reply> run(byte[] key, String upperName, Object[] args) {
        return executor.writeAsync(key, ByteArrayCodec.INSTANCE, new RespReplies.Raw(upperName), args);
    }

    /** Runs one command on a pooled connection to {@code node}. */
    public CompletionStage<Reply> run(Node node, String upperName, Object[] args) {
        return executor.writeAsync(node.entry, ByteArrayCodec.INSTANCE, new RespReplies.Raw(upperName), args);
    }

    /**
     * The masters, ordered by the lowest slot each serves (a cluster) or the one master; each with that slot.
     * Read afresh on every call: Redisson updates the topology every second.
     */
    public List<Node> masters() {
        ConnectionManager manager = executor.getConnectionManager();
        Collection<MasterSlaveEntry> entries = manager.getEntrySet();
        List<Node> nodes = new ArrayList<>(entries.size());
        if (entries.size() == 1) {
            MasterSlaveEntry only = entries.iterator().next();
            nodes.add(new Node(address(only), 0, only));
            return nodes;
        }
        Map<MasterSlaveEntry, Boolean> seen = new IdentityHashMap<>();
        for (int slot = 0; slot < SLOTS && seen.size() < entries.size(); slot++) {
            MasterSlaveEntry entry = manager.getWriteEntry(slot);
            if (entry != null && seen.put(entry, Boolean.TRUE) == null) {
                nodes.add(new Node(address(entry), slot, entry));
            }
        }
        return nodes;
    }

    /** The master serving {@code slot} now, or null when no master does. */
    public Node masterOf(int slot) {
        MasterSlaveEntry entry = executor.getConnectionManager().getWriteEntry(slot);
        return entry == null ? null : new Node(address(entry), slot, entry);
    }

    private static String address(MasterSlaveEntry entry) {
        InetSocketAddress addr = entry.getClient() == null ? null : entry.getClient().getAddr();
        return addr == null ? "?" : addr.getHostString() + ":" + addr.getPort();
    }

    /** A master (opaque to callers) with its address and the lowest slot it served when it was listed. */
    public static final class Node {
        private final String address;
        private final int firstSlot;
        private final MasterSlaveEntry entry;

        private Node(String address, int firstSlot, MasterSlaveEntry entry) {
            this.address = address;
            this.firstSlot = firstSlot;
            this.entry = entry;
        }

        public String address() {
            return address;
        }

        public int firstSlot() {
            return firstSlot;
        }

        /** A new connection to this master, outside the pool. */
        public CompletionStage<RedisConnection> open() {
            return entry.getClient().connectAsync();
        }
    }

    /**
     * Sends the commands as one pipeline on one pooled connection, in order, not atomically. Each slot
     * completes with its own reply or error reply; the batch's overall failure is reported in the slots.
     */
    public List<CompletableFuture<Reply>> pipeline(List<String> upperNames, List<Object[]> params, long timeoutMillis) {
        return pipeline(null, upperNames, params, timeoutMillis);
    }

    /**
     * The same on {@code node} (null: the single master). On a cluster the caller groups the commands by node
     * and sends one pipeline per node; a command the node redirects is answered with the MOVED or ASK error reply
     * ({@link #redirected}), never re-sent by the client: the caller sends it again alone.
     */
    public List<CompletableFuture<Reply>> pipeline(Node node, List<String> upperNames, List<Object[]> params,
                                                   long timeoutMillis) {
        CommandBatchService batch = new CommandBatchService(executor, BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY)
                .responseTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .retryAttempts(0));
        List<CompletableFuture<Reply>> slots = new ArrayList<>(upperNames.size());
        for (int i = 0; i < upperNames.size(); i++) {
            RespReplies.Raw command = node == null ? new RespReplies.Raw(upperNames.get(i))
                    : new RespReplies.Piped(upperNames.get(i));
            slots.add((node == null
                    ? batch.<Reply, Reply>writeAsync((String) null, ByteArrayCodec.INSTANCE, command, params.get(i))
                    : batch.<Reply, Reply>writeAsync(node.entry, ByteArrayCodec.INSTANCE, command, params.get(i)))
                    .toCompletableFuture());
        }
        batch.executeAsync().whenComplete((result, error) -> {
            // an error reply fails the batch too, but its slots already hold their own replies
            if (error != null && RedisErrors.replyText(error) == null) {
                slots.forEach(slot -> slot.completeExceptionally(error));
            }
        });
        return slots;
    }

    /** A MOVED or ASK reply to a command of a node's pipeline: that node did not run it. */
    public static boolean redirected(Reply reply) {
        return reply instanceof Reply.Error error
                && (error.message().startsWith("MOVED ") || error.message().startsWith("ASK "));
    }

    /** A new connection to the current master, outside the pool, with the pool's settings (auth, TLS, database). */
    public CompletionStage<RedisConnection> openDedicated() {
        return master().getClient().connectAsync();
    }

    /** Runs one command on a dedicated connection with an explicit response timeout. */
    public static CompletionStage<Reply> run(RedisConnection connection, String name, Object[] args, long timeoutMillis) {
        return connection.async(timeoutMillis, ByteArrayCodec.INSTANCE, new RespReplies.Raw(name), args);
    }

    /** Open and idle pooled connections to the master, summed over its entries. */
    public PoolStats poolStats() {
        int open = 0;
        int idle = 0;
        Collection<MasterSlaveEntry> entries = executor.getConnectionManager().getEntrySet();
        for (MasterSlaveEntry entry : entries) {
            for (ClientConnectionsEntry client : entry.getAllEntries()) {
                open += client.getConnectionsHolder().getAllConnections().size();
                idle += client.getConnectionsHolder().getFreeConnections().size();
            }
        }
        return new PoolStats(open, idle);
    }

    /** Open and idle pooled connections to the node at {@code address} (host:port); zeros when Tether has no pool there. */
    public PoolStats poolStats(String address) {
        int open = 0;
        int idle = 0;
        for (MasterSlaveEntry entry : executor.getConnectionManager().getEntrySet()) {
            for (ClientConnectionsEntry client : entry.getAllEntries()) {
                InetSocketAddress addr = client.getClient().getAddr();
                if (addr != null && address.equals(addr.getHostString() + ":" + addr.getPort())) {
                    open += client.getConnectionsHolder().getAllConnections().size();
                    idle += client.getConnectionsHolder().getFreeConnections().size();
                }
            }
        }
        return new PoolStats(open, idle);
    }

    private ClientConnectionsEntry master() {
        MasterSlaveEntry entry = executor.getConnectionManager().getEntrySet().iterator().next();
        return entry.getAllEntries().stream()
                .filter(e -> e.getNodeType() == org.redisson.api.NodeType.MASTER)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Redis master known"));
    }

    public record PoolStats(int open, int idle) {
        public int active() {
            return Math.max(0, open - idle);
        }
    }
}
