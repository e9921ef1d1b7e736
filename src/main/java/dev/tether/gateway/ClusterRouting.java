package dev.tether.gateway;

import dev.tether.redis.Slots;
import dev.tether.redis.AsyncGate;
import dev.tether.redis.RedisErrors;
import dev.tether.redis.RedisInternals;
import dev.tether.redis.RedisUnavailableException;
import dev.tether.redis.Reply;
import io.netty.util.Timer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Where each command goes on a Redis Cluster (README, "Redis Cluster and Sentinel"). Commands with keys go to the
 * master of their slot, keys found from Redis's own command table ({@link CommandCatalog#keys}); keys in several
 * slots get Redis's CROSSSLOT error. Keyless commands follow Redis's {@code request_policy} and
 * {@code response_policy} tips (DBSIZE summed, KEYS concatenated, FLUSHALL on every master…), with a few rules of
 * Tether's own: SCAN over every master with one cursor, PUBLISH by its channel's slot, PUBSUB summed, RANDOMKEY
 * from any master that has keys, PING and everything else without a tip on any master.
 * Redisson follows MOVED and ASK (the node did not run the command, so nothing runs twice) and never re-sends
 * after a timeout.
 */
final class ClusterRouting {

    private final CommandCatalog catalog;
    private final RedisInternals internals;
    private final AsyncGate pooled;
    private final AsyncGate dedicated;
    private final long timeout;
    private final long connectTimeout;
    private final BiFunction<Reply, Throwable, Reply> toReply;
    private final Timer timer;

    ClusterRouting(CommandCatalog catalog, RedisInternals internals, AsyncGate pooled, AsyncGate dedicated,
                   long timeout, long connectTimeout, BiFunction<Reply, Throwable, Reply> toReply, Timer timer) {
        this.timer = timer;
        this.catalog = catalog;
        this.internals = internals;
        this.pooled = pooled;
        this.dedicated = dedicated;
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
        this.toReply = toReply;
    }

    CompletionStage<Reply> run(CommandPolicy.Plan plan) {
        Command command = plan.command();
        return catalog.keys(command).thenCompose(keys -> {
            int slot = Slots.common(keys);
            if (slot == -2) {
                return CompletableFuture.completedFuture((Reply) new Reply.Error(Slots.CROSSSLOT));
            }
            return slot >= 0 ? keyed(plan, keys.get(0)) : keyless(plan);
        }).handle(toReply);
    }

    /**
     * Pipelines: the commands for each master go to it as one pipeline, all masters in parallel, each in its
     * commands' order; replies come back in request order, each error in its place. A keyless command with a rule
     * of its own (DBSIZE, SCAN, KEYS…) waits for the commands before it, and the commands after it wait for it.
     */
    CompletionStage<List<Reply>> pipeline(List<CommandPolicy.Plan> plans, List<Reply> refused) {
        List<CompletableFuture<List<byte[]>>> keyLists = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            keyLists.add(refused.get(i) != null ? CompletableFuture.completedFuture(List.of())
                    : catalog.keys(plans.get(i).command()).toCompletableFuture());
        }
        return CompletableFuture.allOf(keyLists.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            List<CompletableFuture<Reply>> out = new ArrayList<>(plans.size());
            Map<String, Group> groups = new LinkedHashMap<>();
            CompletableFuture<Void> barrier = CompletableFuture.completedFuture(null);
            for (int i = 0; i < plans.size(); i++) {
                if (refused.get(i) != null) {
                    out.add(CompletableFuture.completedFuture(refused.get(i)));
                    continue;
                }
                int slot = Slots.common(keyLists.get(i).join());
                if (slot == -2) {
                    out.add(CompletableFuture.completedFuture(new Reply.Error(Slots.CROSSSLOT)));
                } else if (slot == -1) {
                    CompletableFuture<Void> before = send(groups, barrier);
                    CommandPolicy.Plan plan = plans.get(i);
                    CompletableFuture<Reply> reply = before.thenCompose(x -> run(plan)).toCompletableFuture();
                    out.add(reply);
                    barrier = reply.handle((r, e) -> null);
                } else {
                    RedisInternals.Node node = internals.masterOf(slot);
                    if (node == null) {
                        out.add(CompletableFuture.failedFuture(noMaster(slot)));
                        continue;
                    }
                    out.add(groups.computeIfAbsent(node.address(), a -> new Group(node))
                            .add(plans.get(i).command(), keyLists.get(i).join().get(0)));
                }
            }
            send(groups, barrier);
            return CompletableFuture.allOf(out.toArray(CompletableFuture[]::new))
                    .thenApply(done -> out.stream().map(CompletableFuture::join).toList());
        });
    }

    /** Sends the groups once {@code after} completed; completes when all their replies are in (or failed). */
    private CompletableFuture<Void> send(Map<String, Group> groups, CompletableFuture<Void> after) {
        if (groups.isEmpty()) {
            return after;
        }
        List<Group> batch = List.copyOf(groups.values());
        groups.clear();
        after.thenRun(() -> batch.forEach(Group::send));
        return CompletableFuture.allOf(batch.stream().flatMap(g -> g.slots.stream()).toArray(CompletableFuture[]::new))
                .handle((r, e) -> null);
    }

    /** A transaction runs on one master: every key in one slot (use a hash tag), or Redis's CROSSSLOT error. */
    CompletionStage<byte[]> transactionKey(List<Command> commands) {
        List<CompletableFuture<List<byte[]>>> keyLists = new ArrayList<>(commands.size());
        commands.forEach(c -> keyLists.add(catalog.keys(c).toCompletableFuture()));
        return CompletableFuture.allOf(keyLists.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<byte[]> all = new ArrayList<>();
            keyLists.forEach(k -> all.addAll(k.join()));
            if (Slots.common(all) == -2) {
                throw GatewayException.redis(Slots.CROSSSLOT);
            }
            return all.isEmpty() ? null : all.get(0);
        });
    }

    /**
     * The commands of one pipeline for one master, and the replies they will get. A command the master redirects
     * (MOVED, ASK: its slot moved or is moving, and the master did not run it) is sent again alone, after the
     * pipeline, in request order among the redirected ones; the client follows the redirect for one command.
     */
    private final class Group {
        final RedisInternals.Node node;
        final List<String> names = new ArrayList<>();
        final List<Object[]> params = new ArrayList<>();
        final List<byte[]> keys = new ArrayList<>();
        final List<CompletableFuture<Reply>> slots = new ArrayList<>();

        Group(RedisInternals.Node node) {
            this.node = node;
        }

        CompletableFuture<Reply> add(Command command, byte[] key) {
            names.add(command.name());
            params.add(command.params());
            keys.add(key);
            CompletableFuture<Reply> slot = new CompletableFuture<>();
            slots.add(slot);
            return slot;
        }

        void send() {
            pooled.with(() -> {
                List<CompletableFuture<Reply>> sent = new ArrayList<>(slots.size());
                internals.pipeline(node, names, params, timeout).forEach(s -> sent.add(s.orTimeout(timeout, TimeUnit.MILLISECONDS)));
                return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((v, e) -> null).thenCompose(v -> {
                    CompletableFuture<Void> again = CompletableFuture.completedFuture(null);
                    for (int i = 0; i < sent.size(); i++) {
                        CompletableFuture<Reply> target = slots.get(i);
                        CompletableFuture<Reply> reply = sent.get(i);
                        if (!reply.isCompletedExceptionally() && RedisInternals.redirected(reply.join())) {
                            int at = i;
                            again = again.thenCompose(x -> resend(at).handle(toReply).handle((r, e) -> {
                                complete(target, r, e); // a failure of this one does not stop the others
                                return null;
                            }));
                        } else {
                            reply.handle(toReply).whenComplete((r, e) -> complete(target, r, e));
                        }
                    }
                    return again;
                });
            }).whenComplete((r, e) -> {
                if (e != null) { // no permit, or a failure: every slot still open fails the same way
                    slots.forEach(s -> s.completeExceptionally(e));
                }
            });
        }

        private CompletableFuture<Reply> resend(int i) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            return untilSent(() -> internals.run(keys.get(i), names.get(i), params.get(i)), deadline)
                    .orTimeout(timeout, TimeUnit.MILLISECONDS);
        }
    }

    private static void complete(CompletableFuture<Reply> target, Reply reply, Throwable error) {
        if (error != null) {
            target.completeExceptionally(error);
        } else {
            target.complete(reply);
        }
    }

    private CompletionStage<Reply> keyed(CommandPolicy.Plan plan, byte[] key) {
        Command command = plan.command();
        if (plan.blocking()) {
            RedisInternals.Node node = internals.masterOf(Slots.of(key));
            if (node == null) {
                return CompletableFuture.failedFuture(noMaster(Slots.of(key)));
            }
            return blocking(plan, node);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        return pooled.with(() -> untilSent(() -> internals.run(key, command.name(), command.params()), deadline)
                .orTimeout(timeout, TimeUnit.MILLISECONDS));
    }

    /**
     * Sends, and sends again every 50 ms while the client answers that it does not know the slot's node yet (it did
     * not send the command, so nothing runs twice), until the deadline: during a reshard the new owner is learned
     * within the topology refresh, and a 503 for a command Redis would have run is then avoided.
     */
    private CompletableFuture<Reply> untilSent(Supplier<CompletionStage<Reply>> send, long deadline) {
        CompletableFuture<Reply> attempt;
        try {
            attempt = send.get().toCompletableFuture();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.handle((reply, error) -> {
            if (error != null && RedisErrors.notSent(error) && System.nanoTime() < deadline) {
                CompletableFuture<Reply> next = new CompletableFuture<>();
                timer.newTimeout(t -> untilSent(send, deadline).whenComplete((r, e) -> {
                    if (e != null) {
                        next.completeExceptionally(e);
                    } else {
                        next.complete(r);
                    }
                }), 50, TimeUnit.MILLISECONDS);
                return next;
            }
            return error == null ? CompletableFuture.completedFuture(reply) : CompletableFuture.<Reply>failedFuture(error);
        }).thenCompose(next -> next);
    }

    private CompletionStage<Reply> blocking(CommandPolicy.Plan plan, RedisInternals.Node node) {
        Command command = plan.command();
        long wait = plan.blockMillis() + timeout;
        return dedicated.with(() -> node.open()
                .thenCompose(connection -> RedisInternals.run(connection, command.name(), command.params(), wait)
                        .whenComplete((r, e) -> connection.closeAsync()))
                .toCompletableFuture()
                .orTimeout(wait + connectTimeout, TimeUnit.MILLISECONDS));
    }

    private CompletionStage<Reply> keyless(CommandPolicy.Plan plan) {
        Command command = plan.command();
        switch (command.name()) {
            case "SCAN":
                return scan(command);
            case "PUBLISH":
                // the channel's slot: where Tether's own subscriptions to it live, so the count it answers is theirs
                return command.args().isEmpty() ? any(command) : keyed(plan, command.args().get(0));
            case "RANDOMKEY":
                return randomKey(command, masters(), 0);
            case "PUBSUB":
                String sub = command.word(0);
                if (sub.equals("NUMSUB") || sub.equals("SHARDNUMSUB")) {
                    return everyMaster(command).thenApply(r -> Aggregate.sumPairs(r.replies));
                }
                if (sub.equals("NUMPAT")) {
                    return everyMaster(command).thenApply(r -> Aggregate.of("agg_sum", r.nodes, r.replies));
                }
                if (sub.equals("CHANNELS") || sub.equals("SHARDCHANNELS")) {
                    return everyMaster(command).thenApply(r -> Aggregate.distinct(r.replies));
                }
                return any(command);
            case "PING", "ECHO", "TIME", "COMMAND", "LASTSAVE", "LOLWUT":
                return any(command);
            default:
                break;
        }
        if (plan.blocking()) {
            List<RedisInternals.Node> masters = masters();
            return masters.isEmpty() ? CompletableFuture.failedFuture(noMaster(0)) : blocking(plan, masters.get(0));
        }
        return catalog.lookup(command).thenCompose(info -> {
            String request = info.map(i -> i.tip("request_policy")).orElse("");
            if (request.equals("all_shards") || request.equals("all_nodes")) {
                String response = info.get().tip("response_policy");
                return everyMaster(command).thenApply(r -> Aggregate.of(response, r.nodes, r.replies));
            }
            return any(command);
        });
    }

    private CompletionStage<Reply> any(Command command) {
        return pooled.with(() -> internals.run(command.name(), command.params())
                .toCompletableFuture()
                .orTimeout(timeout, TimeUnit.MILLISECONDS));
    }

    private record Replies(List<String> nodes, List<Reply> replies) {
    }

    /** The command on every master in parallel; error replies stay values, unavailability fails the whole. */
    private CompletionStage<Replies> everyMaster(Command command) {
        List<RedisInternals.Node> masters = masters();
        List<CompletableFuture<Reply>> sent = new ArrayList<>(masters.size());
        for (RedisInternals.Node node : masters) {
            sent.add(on(node, command.name(), command.params()).toCompletableFuture());
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).thenApply(v -> new Replies(
                masters.stream().map(RedisInternals.Node::address).toList(),
                sent.stream().map(CompletableFuture::join).toList()));
    }

    /** One command on one node: its reply, an error reply as a value, or a failure when the node is unreachable. */
    private CompletionStage<Reply> on(RedisInternals.Node node, String name, Object[] params) {
        return pooled.with(() -> internals.run(node, name, params)
                .toCompletableFuture()
                .orTimeout(timeout, TimeUnit.MILLISECONDS))
                .handle((reply, error) -> {
                    if (error == null) {
                        return reply;
                    }
                    String text = RedisErrors.replyText(error);
                    if (text != null) {
                        return new Reply.Error(text);
                    }
                    throw new CompletionException(RedisErrors.unavailable(error));
                });
    }

    private CompletionStage<Reply> randomKey(Command command, List<RedisInternals.Node> masters, int tried) {
        if (tried == 0) {
            masters = new ArrayList<>(masters);
            Collections.shuffle(masters);
        }
        if (tried >= masters.size()) {
            return CompletableFuture.completedFuture(Reply.NIL);
        }
        List<RedisInternals.Node> order = masters;
        return on(order.get(tried), command.name(), command.params()).thenCompose(reply -> reply instanceof Reply.Nil
                ? randomKey(command, order, tried + 1)
                : CompletableFuture.completedFuture(reply));
    }

    /** One step of a scan over every master, each node's keys once, node after node in slot order. */
    private CompletionStage<Reply> scan(Command command) {
        if (command.args().isEmpty()) {
            return any(command); // Redis answers the arity error
        }
        ScanCursor cursor = ScanCursor.parse(command.text(0));
        if (cursor == null) {
            return CompletableFuture.completedFuture(new Reply.Error("ERR invalid cursor"));
        }
        List<RedisInternals.Node> masters = masters();
        int at = -1;
        RedisInternals.Node owner = internals.masterOf(cursor.slot());
        for (int i = 0; owner != null && i < masters.size(); i++) {
            if (masters.get(i).address().equals(owner.address())) {
                at = i;
            }
        }
        if (at < 0) {
            return CompletableFuture.failedFuture(noMaster(cursor.slot()));
        }
        int index = at;
        Object[] params = command.params();
        params[0] = cursor.nodeCursor().toString().getBytes(StandardCharsets.US_ASCII);
        return on(masters.get(index), "SCAN", params).thenApply(reply -> {
            if (!(reply instanceof Reply.Array array) || array.items().size() != 2) {
                return reply;
            }
            String next = text(array.items().get(0));
            String combined;
            if (!next.equals("0")) {
                combined = new ScanCursor(new java.math.BigInteger(next), masters.get(index).firstSlot()).text();
            } else if (index + 1 < masters.size()) {
                combined = new ScanCursor(java.math.BigInteger.ZERO, masters.get(index + 1).firstSlot()).text();
            } else {
                combined = "0";
            }
            return new Reply.Array(List.of(new Reply.Bulk(combined.getBytes(StandardCharsets.US_ASCII)),
                    array.items().get(1)));
        });
    }

    private List<RedisInternals.Node> masters() {
        return internals.masters();
    }

    private static String text(Reply reply) {
        return reply instanceof Reply.Bulk bulk ? new String(bulk.bytes(), StandardCharsets.US_ASCII)
                : reply instanceof Reply.Status status ? status.text() : "";
    }

    private static RedisUnavailableException noMaster(int slot) {
        return new RedisUnavailableException("Redis Cluster has no reachable master for slot " + slot
                + " (a failover may be in progress)", 1, null);
    }
}
