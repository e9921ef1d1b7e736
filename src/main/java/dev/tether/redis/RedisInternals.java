package dev.tether.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
import org.redisson.connection.MasterSlaveEntry;

/**
 * The one place that touches Redisson's internal API: running an arbitrary command, opening a connection
 * outside the pool, and reading pool statistics. Redisson matches its blocking and no-retry lists by the
 * upper-case name, so callers pass upper-case names only.
 */
public final class RedisInternals {

    private final CommandAsyncExecutor executor;

    RedisInternals(Redisson redisson) {
        this.executor = redisson.getCommandExecutor();
    }

    /** Runs one command on a pooled connection; its reply is decoded faithfully ({@link RespReplies}). */
    public CompletionStage<Reply> run(String upperName, Object[] args) {
        return executor.writeAsync((String) null, ByteArrayCodec.INSTANCE, new RespReplies.Raw(upperName), args);
    }

    /**
     * Sends the commands as one pipeline on one pooled connection, in order, not atomically. Each slot
     * completes with its own reply or error reply; the batch's overall failure is reported in the slots.
     */
    public List<CompletableFuture<Reply>> pipeline(List<String> upperNames, List<Object[]> params, long timeoutMillis) {
        CommandBatchService batch = new CommandBatchService(executor, BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY)
                .responseTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .retryAttempts(0));
        List<CompletableFuture<Reply>> slots = new ArrayList<>(upperNames.size());
        for (int i = 0; i < upperNames.size(); i++) {
            slots.add(batch.<Reply, Reply>writeAsync((String) null, ByteArrayCodec.INSTANCE,
                    new RespReplies.Raw(upperNames.get(i)), params.get(i)).toCompletableFuture());
        }
        batch.executeAsync().whenComplete((result, error) -> {
            // an error reply fails the batch too, but its slots already hold their own replies
            if (error != null && RedisErrors.replyText(error) == null) {
                slots.forEach(slot -> slot.completeExceptionally(error));
            }
        });
        return slots;
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
