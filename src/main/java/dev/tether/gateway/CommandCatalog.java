package dev.tether.gateway;

import dev.tether.redis.RedisConnector;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What Redis itself says about a command (COMMAND INFO): its arity and flags, asked once per name and kept.
 * The read-only token and the transaction check rely on it instead of a hand-written list.
 */
@ApplicationScoped
public class CommandCatalog {

    /**
     * @param keySpecs where the command's keys are (Redis 7 key specifications, or the legacy first/last/step)
     * @param tips     Redis's command tips, e.g. {@code request_policy:all_shards}, {@code response_policy:agg_sum}
     */
    public record Info(String name, int arity, Set<String> flags, Set<String> categories, Map<String, Info> subcommands,
                       List<KeySpec> keySpecs, Set<String> tips) {

        /** The value of a tip such as {@code request_policy}, or "" when Redis gives none. */
        public String tip(String name) {
            String prefix = name + ":";
            for (String tip : tips) {
                if (tip.startsWith(prefix)) {
                    return tip.substring(prefix.length());
                }
            }
            return "";
        }

        /** True when every key spec has a form Tether can follow; else Redis is asked (COMMAND GETKEYS). */
        boolean keysKnown() {
            return keySpecs.stream().allMatch(KeySpec::known);
        }

        /**
         * Redis's flags, plus two cases they miss: scripts carry no write flag (Redis cannot know what they do),
         * so only their _RO forms count as reads; and publishing changes what subscribers see.
         */
        public boolean writes() {
            return flags.contains("write") || flags.contains("may_replicate") || flags.contains("admin")
                    || (categories.contains("@scripting") && !flags.contains("readonly"))
                    || name.equals("publish") || name.equals("spublish");
        }

        /** Redis's arity: n means exactly n words with the name, -n at least n. */
        public boolean acceptsWords(int words) {
            return arity >= 0 ? words == arity : words >= -arity;
        }
    }

    @Inject
    RedisConnector connector;

    private final Map<String, CompletableFuture<Optional<Info>>> cache = new ConcurrentHashMap<>();

    /** The info of the command, or of its subcommand for container commands (CONFIG GET, CLIENT LIST…). */
    public CompletionStage<Optional<Info>> lookup(Command command) {
        return top(command.name()).thenApply(info -> info.map(i -> {
            if (i.subcommands().isEmpty() || command.args().isEmpty()) {
                return i;
            }
            String sub = i.name() + "|" + new String(command.args().get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            return i.subcommands().getOrDefault(sub, i);
        }));
    }

    /**
     * The command's keys (and, like Redis Cluster, the channels of SPUBLISH and SSUBSCRIBE), found from Redis's key
     * specifications; for the few forms these cannot describe Redis itself is asked with COMMAND GETKEYS.
     * Empty for keyless and unknown commands.
     */
    public CompletionStage<List<byte[]>> keys(Command command) {
        return lookup(command).thenCompose(found -> {
            if (found.isEmpty() || found.get().keySpecs().isEmpty()) {
                return CompletableFuture.completedFuture(List.<byte[]>of());
            }
            Info info = found.get();
            List<byte[]> words = new ArrayList<>(command.args().size() + 1);
            words.add(command.name().getBytes(StandardCharsets.UTF_8));
            words.addAll(command.args());
            if (!info.keysKnown()) {
                return getKeys(words);
            }
            List<Integer> positions = new ArrayList<>();
            info.keySpecs().forEach(spec -> spec.positions(words, positions));
            List<byte[]> keys = new ArrayList<>(positions.size());
            positions.forEach(i -> keys.add(words.get(i)));
            return CompletableFuture.completedFuture(keys);
        });
    }

    private CompletionStage<List<byte[]>> getKeys(List<byte[]> words) {
        Object[] args = new Object[words.size() + 1];
        args[0] = "GETKEYS".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < words.size(); i++) {
            args[i + 1] = words.get(i);
        }
        return connector.internals().run("COMMAND", args).toCompletableFuture()
                .orTimeout(connector.settings().timeout(), TimeUnit.MILLISECONDS)
                .handle((reply, error) -> {
                    List<byte[]> keys = new ArrayList<>();
                    if (error == null && reply instanceof Reply.Array array) {
                        array.items().forEach(k -> {
                            if (k instanceof Reply.Bulk bulk) {
                                keys.add(bulk.bytes());
                            }
                        });
                    }
                    return keys; // an error ("no key arguments", a bad command): Redis answers the command itself
                });
    }

    private CompletionStage<Optional<Info>> top(String name) {
        CompletableFuture<Optional<Info>> known = cache.get(name);
        if (known != null) {
            return known;
        }
        CompletableFuture<Optional<Info>> fetch = connector.internals()
                .run("COMMAND", new Object[] {"INFO".getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8)})
                .toCompletableFuture()
                .orTimeout(connector.settings().timeout(), TimeUnit.MILLISECONDS)
                .thenApply(CommandCatalog::parseFirst);
        CompletableFuture<Optional<Info>> raced = cache.putIfAbsent(name, fetch);
        if (raced != null) {
            return raced;
        }
        fetch.whenComplete((info, error) -> {
            if (error != null) {
                cache.remove(name, fetch); // Redis was unreachable: ask again next time
            }
        });
        return fetch;
    }

    private static Optional<Info> parseFirst(Reply reply) {
        if (reply instanceof Reply.Array array && !array.items().isEmpty()) {
            return parse(array.items().get(0));
        }
        return Optional.empty();
    }

    static Optional<Info> parse(Reply entry) {
        if (!(entry instanceof Reply.Array fields) || fields.items().size() < 3) {
            return Optional.empty();
        }
        List<Reply> f = fields.items();
        String name = text(f.get(0)).toLowerCase(Locale.ROOT);
        int arity = f.get(1) instanceof Reply.Int n ? (int) n.value() : -1;
        Set<String> flags = new HashSet<>();
        if (f.get(2) instanceof Reply.Array list) {
            list.items().forEach(flag -> flags.add(text(flag).toLowerCase(Locale.ROOT)));
        }
        Set<String> categories = new HashSet<>();
        if (f.size() > 6 && f.get(6) instanceof Reply.Array list) {
            list.items().forEach(category -> categories.add(text(category).toLowerCase(Locale.ROOT)));
        }
        Map<String, Info> subs = new HashMap<>();
        if (f.size() > 9 && f.get(9) instanceof Reply.Array list) {
            list.items().forEach(sub -> parse(sub).ifPresent(info -> subs.put(info.name(), info)));
        }
        Set<String> tips = new HashSet<>();
        if (f.size() > 7 && f.get(7) instanceof Reply.Array list) {
            list.items().forEach(tip -> tips.add(text(tip).toLowerCase(Locale.ROOT)));
        }
        List<KeySpec> specs;
        if (f.size() > 8) {
            specs = KeySpec.parseAll(f.get(8));
        } else if (f.size() > 5 && f.get(3) instanceof Reply.Int first && first.value() > 0) {
            specs = List.of(KeySpec.legacy((int) first.value(), (int) ((Reply.Int) f.get(4)).value(),
                    (int) ((Reply.Int) f.get(5)).value()));
        } else {
            specs = List.of();
        }
        return Optional.of(new Info(name, arity, Set.copyOf(flags), Set.copyOf(categories), Map.copyOf(subs),
                specs, Set.copyOf(tips)));
    }

    private static String text(Reply reply) {
        if (reply instanceof Reply.Bulk bulk) {
            return new String(bulk.bytes(), StandardCharsets.UTF_8);
        }
        if (reply instanceof Reply.Status status) {
            return status.text();
        }
        return "";
    }
}
