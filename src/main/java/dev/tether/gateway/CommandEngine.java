package dev.tether.gateway;

import dev.tether.redis.RedisConnector;
import dev.tether.redis.RedisErrors;
import dev.tether.redis.RedisInternals;
import dev.tether.redis.RedisMetrics;
import dev.tether.redis.RedisMonitor;
import dev.tether.redis.RedisUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands for every dialect, without blocking the caller's thread: single commands, pipelines and
 * transactions. Results are {@link Reply} values (a Redis error reply is a value, {@link Reply.Error});
 * refusals fail the stage with {@link GatewayException}, unavailability with
 * {@link dev.tether.redis.RedisUnavailableException}.
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
        return offload(checkAccess(command, access).thenCompose(v -> run(plan)));
    }

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
                refusal = CompletableFuture.completedFuture(new Reply.Error(e.getMessage()));
            }
            refusal = refusal.exceptionallyCompose(e -> RedisErrors.unwrap(e) instanceof GatewayException g
                    ? CompletableFuture.completedFuture(new Reply.Error(g.getMessage()))
                    : CompletableFuture.failedFuture(e));
            refusals.add(refusal);
            plans.add(plan);
        }
        boolean sequential = oneByOne;
        return offload(all(refusals).thenCompose(refused -> sequential
                ? sequentially(plans, refused)
                : batched(plans, refused)));
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
        return offload(CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenCompose(v -> connector.pooled().with(() -> transactions.run(commands)))
                .whenComplete((r, e) -> metrics.command(e != null)));
    }

    /** Continues on the application's executor, never on Redisson's Netty threads (see RedisConnector#executor). */
    private <T> CompletionStage<T> offload(CompletionStage<T> stage) {
        return stage.handleAsync((value, error) -> {
            if (error != null) {
                throw error instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(error);
            }
            return value;
        }, connector.executor());
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
                throw GatewayException.bad("EXECABORT Transaction discarded because of previous errors: ERR unknown command '"
                        + command.name() + "'");
            }
            if (!info.get().acceptsWords(command.args().size() + 1)) {
                throw GatewayException.bad("EXECABORT Transaction discarded because of previous errors: ERR wrong number "
                        + "of arguments for '" + info.get().name() + "' command");
            }
        });
    }

    private CompletionStage<Reply> run(CommandPolicy.Plan plan) {
        Command command = plan.command();
        long timeout = connector.settings().timeout();
        CompletionStage<Object> raw;
        if (plan.blocking()) {
            long wait = plan.blockMillis() + timeout;
            raw = connector.dedicated().with(() -> connector.internals().openDedicated()
                    .thenCompose(connection -> RedisInternals.run(connection, command.name(), command.params(), wait)
                            .whenComplete((r, e) -> connection.closeAsync()))
                    .toCompletableFuture()
                    .orTimeout(wait + connector.settings().connectTimeout(), TimeUnit.MILLISECONDS));
        } else {
            raw = connector.pooled().with(() -> connector.internals().run(command.name(), command.params())
                    .toCompletableFuture()
                    .orTimeout(timeout, TimeUnit.MILLISECONDS));
        }
        return raw.handle(this::toReply).thenApply(reply -> nilWhenEmpty(command, reply));
    }

    /** Commands whose nil array Redisson decodes as an empty list, and which never answer an empty array. */
    private static final java.util.Set<String> NIL_ARRAY = java.util.Set.of("BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX",
            "BLMPOP", "BZMPOP", "LMPOP", "ZMPOP", "XREAD", "XREADGROUP");

    static Reply nilWhenEmpty(Command command, Reply reply) {
        boolean popWithCount = (command.name().equals("LPOP") || command.name().equals("RPOP")) && command.args().size() > 1;
        if (reply instanceof Reply.Array array && array.items().isEmpty()
                && (popWithCount || NIL_ARRAY.contains(command.name()))) {
            return Reply.NIL;
        }
        return reply;
    }

    private CompletionStage<List<Reply>> sequentially(List<CommandPolicy.Plan> plans, List<Reply> refused) {
        CompletionStage<List<Reply>> chain = CompletableFuture.completedFuture(new ArrayList<>(plans.size()));
        for (int i = 0; i < plans.size(); i++) {
            CommandPolicy.Plan plan = plans.get(i);
            Reply refusal = refused.get(i);
            chain = chain.thenCompose(replies -> (refusal != null
                    ? CompletableFuture.completedFuture(refusal)
                    : run(plan)).thenApply(reply -> {
                        replies.add(reply);
                        return replies;
                    }));
        }
        return chain;
    }

    private CompletionStage<List<Reply>> batched(List<CommandPolicy.Plan> plans, List<Reply> refused) {
        List<String> names = new ArrayList<>();
        List<Object[]> params = new ArrayList<>();
        List<Command> commandsSent = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (refused.get(i) == null) {
                commandsSent.add(plans.get(i).command());
                names.add(plans.get(i).command().name());
                params.add(plans.get(i).command().params());
            }
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(refused);
        }
        long timeout = connector.settings().timeout();
        return connector.pooled().with(() -> {
            List<CompletableFuture<Reply>> sent = new ArrayList<>(names.size());
            for (CompletableFuture<Object> slot : connector.internals().pipeline(names, params, timeout)) {
                Command command = commandsSent.get(sent.size());
                sent.add(slot.orTimeout(timeout, TimeUnit.MILLISECONDS).handle(this::toReply)
                        .thenApply(reply -> nilWhenEmpty(command, reply)));
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

    private Reply toReply(Object value, Throwable error) {
        if (error == null) {
            metrics.command(false);
            return Reply.from(value);
        }
        metrics.command(true);
        String text = RedisErrors.replyText(error);
        if (text != null) {
            return new Reply.Error(text);
        }
        throw RedisErrors.unavailable(error);
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }
}
