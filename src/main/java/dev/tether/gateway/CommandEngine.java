package dev.tether.gateway;

import dev.tether.redis.AsyncGate;
import dev.tether.redis.DirectLane;
import dev.tether.redis.RedisConnector;
import dev.tether.redis.RedisErrors;
import dev.tether.redis.RedisInternals;
import dev.tether.redis.RedisMetrics;
import dev.tether.redis.RedisMonitor;
import dev.tether.redis.RedisSettings;
import dev.tether.redis.RedisUnavailableException;
import dev.tether.redis.Reply;
import dev.tether.support.Errors;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs commands for every dialect: single commands, pipelines and transactions, {@code Command → CompletionStage}.
 * Results are {@link Reply} values (a Redis error reply is a value, {@link Reply.Error}); refusals fail the stage
 * with {@link GatewayException}, unavailability with {@link RedisUnavailableException}. Stages complete on
 * Redisson's threads: the boundary that called decides where the reply continues.
 */
@ApplicationScoped
public class CommandEngine {

    @Inject
    RedisConnector connector;

    @Inject
    CommandPolicy policy;

    @Inject
    CommandCatalog catalog;

    @Inject
    RedisMetrics metrics;

    @Inject
    Transactions transactions;

    @Inject
    RedisMonitor monitor;

    // the connector's parts, fixed at startup: read once, not through its proxy on every command
    private RedisInternals internals;
    private AsyncGate pooled;
    private AsyncGate dedicated;
    private DirectLane direct;
    private long timeout;
    private long connectTimeout;
    // chosen once at startup by the topology: one Redis (single, sentinel) or a cluster's slots
    private Function<CommandPolicy.Plan, CompletionStage<Reply>> runner;
    private BiFunction<List<CommandPolicy.Plan>, List<Reply>, CompletionStage<List<Reply>>> batcher;
    private Function<List<Command>, CompletionStage<List<Reply>>> atomic;

    @PostConstruct
    void start() {
        internals = connector.internals();
        pooled = connector.pooled();
        dedicated = connector.dedicated();
        direct = connector.direct();
        timeout = connector.settings().timeout();
        connectTimeout = connector.settings().connectTimeout();
        if (connector.settings().mode() == RedisSettings.Mode.CLUSTER) {
            ClusterRouting cluster = new ClusterRouting(catalog, internals, pooled, dedicated, timeout, connectTimeout,
                    this::toReply, connector.timer());
            runner = cluster::run;
            batcher = cluster::pipeline;
            atomic = commands -> cluster.transactionKey(commands)
                    .thenCompose(key -> pooled.with(() -> transactions.run(commands, key)));
        } else {
            runner = this::run;
            batcher = this::batched;
            atomic = commands -> pooled.with(() -> transactions.run(commands));
        }
    }

    public CompletionStage<Reply> execute(Command command, Access access) {
        if (!monitor.reachable()) {
            return down();
        }
        CommandPolicy.Plan plan;
        try {
            plan = policy.plan(command);
        } catch (GatewayException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (access == Access.FULL) {
            return runHere(plan);
        }
        CompletableFuture<Void> allowed = checkAccess(command, access).toCompletableFuture();
        return allowed.isDone() && !allowed.isCompletedExceptionally() ? runHere(plan)
                : allowed.thenCompose(v -> runner.apply(plan));
    }

    /** On the caller's thread through the direct lane when it has a free connection, else through the pool. */
    private CompletionStage<Reply> runHere(CommandPolicy.Plan plan) {
        if (direct == null || plan.blocking()) {
            return runner.apply(plan);
        }
        Reply reply;
        try {
            reply = direct.call(plan.command().name(), plan.command().args());
        } catch (RuntimeException e) {
            metrics.command(true);
            return CompletableFuture.failedFuture(RedisErrors.unavailable(e));
        }
        if (reply == null) {
            return runner.apply(plan);
        }
        metrics.command(reply instanceof Reply.Error);
        return CompletableFuture.completedFuture(reply);
    }

    /**
     * Runs one command on database {@code db} (Webdis's {@code /7/GET/k}) without ever leaving a pooled connection
     * on another database: the command runs inside a script whose SELECT Redis undoes when the script ends. The
     * command passes the same policy and access checks as {@link #execute}; inside a script blocking commands do not
     * block and commands flagged noscript fail with Redis's error.
     */
    public CompletionStage<Reply> executeInDatabase(Command command, int db, Access access) {
        if (!monitor.reachable()) {
            return down();
        }
        try {
            policy.plan(command);
        } catch (GatewayException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<byte[]> args = new ArrayList<>(command.args().size() + 4);
        args.add(IN_DATABASE);
        args.add(new byte[] {'0'});
        args.add(Integer.toString(db).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        args.add(command.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        args.addAll(command.args());
        CommandPolicy.Plan wrapped = new CommandPolicy.Plan(new Command("EVAL", args), false, 0);
        return checkAccess(command, access).thenCompose(v -> run(wrapped));
    }

    private static final byte[] IN_DATABASE = "redis.call('SELECT', ARGV[1]) return redis.pcall(unpack(ARGV, 2))"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Runs the commands in order on one connection (not atomically); each slot holds its reply or error. */
    public CompletionStage<List<Reply>> pipeline(List<Command> commands, Access access) {
        if (!monitor.reachable()) {
            return down();
        }
        List<CompletableFuture<Reply>> refusals = new ArrayList<>(commands.size());
        List<CommandPolicy.Plan> plans = new ArrayList<>(commands.size());
        boolean oneByOne = false;
        for (Command command : commands) {
            CommandPolicy.Plan plan = null;
            CompletableFuture<Reply> refusal;
            try {
                plan = policy.plan(command);
                // Redisson's batch rewrites EVAL to EVALSHA and casts the script to String (it is byte[] here),
                // failing the whole batch: pipelines holding EVAL run command by command, still in order.
                oneByOne |= plan.blocking() || command.name().equals("EVAL");
                refusal = checkAccess(command, access).toCompletableFuture().thenApply(v -> (Reply) null);
            } catch (GatewayException e) {
                refusal = CompletableFuture.completedFuture(new Reply.Error(e.reply()));
            }
            refusal = refusal.exceptionallyCompose(e -> Errors.unwrap(e) instanceof GatewayException g
                    ? CompletableFuture.completedFuture(new Reply.Error(g.reply()))
                    : CompletableFuture.failedFuture(e));
            refusals.add(refusal);
            plans.add(plan);
        }
        boolean sequential = oneByOne;
        return all(refusals).thenCompose(refused -> sequential
                ? sequentially(plans, refused)
                : batcher.apply(plans, refused)).exceptionallyCompose(CommandEngine::unavailable);
    }

    /** Runs the commands atomically; a refused command discards the whole transaction. */
    public CompletionStage<List<Reply>> transaction(List<Command> commands, Access access) {
        if (!monitor.reachable()) {
            return down();
        }
        List<CompletableFuture<Void>> checks = new ArrayList<>(commands.size());
        for (Command command : commands) {
            try {
                policy.plan(command);
            } catch (GatewayException e) {
                return CompletableFuture.failedFuture(e);
            }
            checks.add(checkAccess(command, access).thenCompose(v -> checkArity(command)).toCompletableFuture());
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenCompose(v -> atomic.apply(commands))
                .exceptionallyCompose(CommandEngine::unavailable)
                .whenComplete((r, e) -> metrics.command(e != null));
    }

    private <T> CompletionStage<T> down() {
        metrics.command(true);
        return CompletableFuture.failedFuture(new RedisUnavailableException(
                "Redis is unavailable: " + monitor.status().detail(), 1, null));
    }

    private CompletionStage<Void> checkAccess(Command command, Access access) {
        if (access == Access.FULL) {
            return CompletableFuture.completedFuture(null);
        }
        return catalog.lookup(command).thenAccept(info -> {
            if (info.isPresent() && info.get().writes()) {
                throw GatewayException.forbidden(command.name() + " writes, and this token is read-only");
            }
        });
    }

    private CompletionStage<Void> checkArity(Command command) {
        return catalog.lookup(command).thenAccept(info -> {
            if (info.isEmpty()) {
                throw GatewayException.redis("EXECABORT Transaction discarded because of previous errors: ERR unknown command '"
                        + command.name() + "'");
            }
            if (!info.get().acceptsWords(command.args().size() + 1)) {
                throw GatewayException.redis("EXECABORT Transaction discarded because of previous errors: ERR wrong number "
                        + "of arguments for '" + info.get().name() + "' command");
            }
        });
    }

    private CompletionStage<Reply> run(CommandPolicy.Plan plan) {
        Command command = plan.command();
        CompletionStage<Reply> raw;
        if (plan.blocking()) {
            long wait = plan.blockMillis() + timeout;
            raw = dedicated.with(() -> internals.openDedicated()
                    .thenCompose(connection -> RedisInternals.run(connection, command.name(), command.params(), wait)
                            .whenComplete((r, e) -> connection.closeAsync()))
                    .toCompletableFuture()
                    .orTimeout(wait + connectTimeout, TimeUnit.MILLISECONDS));
        } else {
            raw = pooled.with(() -> internals.run(command.name(), command.params())
                    .toCompletableFuture()
                    .orTimeout(timeout, TimeUnit.MILLISECONDS));
        }
        return raw.handle(this::toReply);
    }

    private CompletionStage<List<Reply>> sequentially(List<CommandPolicy.Plan> plans, List<Reply> refused) {
        CompletionStage<List<Reply>> chain = CompletableFuture.completedFuture(new ArrayList<>(plans.size()));
        for (int i = 0; i < plans.size(); i++) {
            CommandPolicy.Plan plan = plans.get(i);
            Reply refusal = refused.get(i);
            chain = chain.thenCompose(replies -> (refusal != null
                    ? CompletableFuture.completedFuture(refusal)
                    : runner.apply(plan)).thenApply(reply -> {
                        replies.add(reply);
                        return replies;
                    }));
        }
        return chain;
    }

    private CompletionStage<List<Reply>> batched(List<CommandPolicy.Plan> plans, List<Reply> refused) {
        List<String> names = new ArrayList<>();
        List<Object[]> params = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (refused.get(i) == null) {
                names.add(plans.get(i).command().name());
                params.add(plans.get(i).command().params());
            }
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(refused);
        }
        return pooled.with(() -> {
            List<CompletableFuture<Reply>> sent = new ArrayList<>(names.size());
            for (CompletableFuture<Reply> slot : internals.pipeline(names, params, timeout)) {
                sent.add(slot.orTimeout(timeout, TimeUnit.MILLISECONDS).handle(this::toReply));
            }
            return all(sent).thenApply(replies -> {
                List<Reply> merged = new ArrayList<>(plans.size());
                int next = 0;
                for (Reply refusal : refused) {
                    merged.add(refusal != null ? refusal : replies.get(next++));
                }
                return merged;
            });
        });
    }

    private Reply toReply(Reply value, Throwable error) {
        if (error == null) {
            metrics.command(false);
            return value;
        }
        metrics.command(true);
        String text = RedisErrors.replyText(error);
        if (text != null) {
            return new Reply.Error(text);
        }
        throw RedisErrors.unavailable(error);
    }

    /**
     * Refusals stay as they are; any other failure (Redisson throws some, such as a failed lazy connect, instead of
     * failing the stage) is Redis being unavailable: 503, never a 500.
     */
    private static <T> CompletionStage<T> unavailable(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        return CompletableFuture.failedFuture(t instanceof GatewayException ? t : RedisErrors.unavailable(t));
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }
}
