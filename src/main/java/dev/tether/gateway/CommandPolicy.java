package dev.tether.gateway;

import dev.tether.support.ConfigValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which commands the gateway runs, and how. Dangerous commands are denied unless allowed by configuration;
 * commands that change connection state are refused so a pooled connection never goes back dirty;
 * blocking commands get their timeout capped and run on dedicated connections.
 */
@ApplicationScoped
public class CommandPolicy {

    static final Set<String> DEFAULT_DENY = Set.of("FLUSHALL", "FLUSHDB", "CONFIG", "SHUTDOWN", "DEBUG", "MONITOR",
            "REPLICAOF", "SLAVEOF", "MIGRATE", "MODULE", "ACL", "SAVE", "BGSAVE", "BGREWRITEAOF", "CLIENT KILL",
            "SYNC", "PSYNC", "FAILOVER", "CLUSTER", "SCRIPT KILL", "FUNCTION KILL", "FUNCTION FLUSH", "SCRIPT FLUSH");

    private static final String TRANSACTIONS = " would leave a transaction open on a connection Tether shares between "
            + "requests; send the whole transaction to /redis/multi-exec";
    private static final String SUBSCRIBE = " would turn a shared connection into a subscriber; subscribe with "
            + "POST /redis/subscribe/<channel> or /redis/psubscribe/<pattern> (Server-Sent Events)";
    private static final String CLIENT = " would change how a connection Tether shares between requests answers";

    /** Commands that change the state of the connection they run on, each with why it is refused and what to do. */
    static final Map<String, String> CONNECTION_STATE = Map.ofEntries(
            Map.entry("MULTI", TRANSACTIONS), Map.entry("EXEC", TRANSACTIONS), Map.entry("DISCARD", TRANSACTIONS),
            Map.entry("WATCH", " would watch keys on a shared connection; /redis/multi-exec runs a transaction "
                    + "atomically, and a script (EVAL) can check and write in one step"),
            Map.entry("UNWATCH", TRANSACTIONS),
            Map.entry("SELECT", " would switch a shared connection to another database; Tether's connections all use "
                    + "the database of tether.redis.url (redis://host:port/N)"),
            Map.entry("SUBSCRIBE", SUBSCRIBE), Map.entry("PSUBSCRIBE", SUBSCRIBE), Map.entry("SSUBSCRIBE", SUBSCRIBE),
            Map.entry("UNSUBSCRIBE", SUBSCRIBE), Map.entry("PUNSUBSCRIBE", SUBSCRIBE),
            Map.entry("SUNSUBSCRIBE", SUBSCRIBE),
            Map.entry("HELLO", " would change the protocol of a shared connection; Tether answers in JSON whatever "
                    + "protocol it speaks to Redis"),
            Map.entry("RESET", " would reset a connection Tether shares between requests"),
            Map.entry("QUIT", " would close a connection Tether shares between requests; close your HTTP connection instead"),
            Map.entry("AUTH", " would change the user of a shared connection; Tether authenticates to Redis itself "
                    + "(tether.redis.url), and callers to Tether with Authorization: Bearer <token>"),
            Map.entry("READONLY", " is for cluster replicas, whose routing is Tether's job"),
            Map.entry("READWRITE", " is for cluster replicas, whose routing is Tether's job"),
            Map.entry("ASKING", " is part of cluster redirection, which is Tether's job"),
            Map.entry("CLIENT REPLY", CLIENT), Map.entry("CLIENT TRACKING", CLIENT), Map.entry("CLIENT CACHING", CLIENT),
            Map.entry("CLIENT NO-EVICT", CLIENT), Map.entry("CLIENT NO-TOUCH", CLIENT),
            Map.entry("CLIENT SETNAME", " would rename a connection Tether shares between requests"),
            Map.entry("CLIENT SETINFO", " would relabel a connection Tether shares between requests"));

    /** Blocking commands and where their timeout is: the index of the argument, -1 for the last one. */
    private static final Map<String, Integer> SECONDS_TIMEOUT = Map.of(
            "BLPOP", -1, "BRPOP", -1, "BRPOPLPUSH", -1, "BLMOVE", -1, "BZPOPMIN", -1, "BZPOPMAX", -1,
            "BLMPOP", 0, "BZMPOP", 0);
    private static final Map<String, Integer> MILLIS_TIMEOUT = Map.of("WAIT", -1, "WAITAOF", -1);

    private final Set<String> deny;
    private final Set<String> allow;
    private final long maxBlockMillis;

    @Inject
    public CommandPolicy(
            @ConfigProperty(name = "tether.commands.deny") Optional<String> deny,
            @ConfigProperty(name = "tether.commands.allow") Optional<String> allow,
            @ConfigProperty(name = "tether.commands.max-block", defaultValue = "30000") long maxBlockMillis) {
        this.allow = names(allow);
        this.deny = deny.isPresent() ? names(deny) : DEFAULT_DENY;
        this.maxBlockMillis = maxBlockMillis;
    }

    CommandPolicy() {
        this(Optional.empty(), Optional.empty(), 30_000);
    }

    /** How a command is to run: possibly with a capped timeout, and how long it may block Redis-side. */
    public record Plan(Command command, boolean blocking, long blockMillis) {
    }

    /** Checks the command and plans its run; throws {@link GatewayException} for what is refused. */
    public Plan plan(Command command) {
        String name = command.name();
        String withSub = name + " " + command.word(0);
        String refused = CONNECTION_STATE.get(name);
        if (refused != null || (refused = CONNECTION_STATE.get(withSub)) != null) {
            throw GatewayException.bad((CONNECTION_STATE.containsKey(name) ? name : withSub) + refused);
        }
        if ((deny.contains(name) || deny.contains(withSub)) && !allow.contains(name) && !allow.contains(withSub)) {
            throw GatewayException.forbidden(name + (deny.contains(withSub) ? " " + command.word(0) : "")
                    + " is denied by the command policy (tether.commands.allow enables it)");
        }
        return blocking(command);
    }

    /** For routes that run a command outside the engine (pub/sub streams): 403 if the policy denies {@code name}. */
    public void permit(String name) {
        if (deny.contains(name) && !allow.contains(name)) {
            throw GatewayException.forbidden(name + " is denied by the command policy (tether.commands.allow enables it)");
        }
    }

    private Plan blocking(Command command) {
        String name = command.name();
        Integer seconds = SECONDS_TIMEOUT.get(name);
        if (seconds != null && !command.args().isEmpty()) {
            int index = seconds < 0 ? command.args().size() - 1 : seconds;
            return capped(command, index, 1000);
        }
        Integer millis = MILLIS_TIMEOUT.get(name);
        if (millis != null && !command.args().isEmpty()) {
            return capped(command, millis < 0 ? command.args().size() - 1 : millis, 1);
        }
        if (name.equals("XREAD") || name.equals("XREADGROUP")) {
            for (int i = 0; i < command.args().size() - 1; i++) {
                String word = command.word(i);
                if (word.equals("STREAMS")) {
                    break;
                }
                if (word.equals("BLOCK")) {
                    return capped(command, i + 1, 1);
                }
            }
        }
        return new Plan(command, false, 0);
    }

    /** Caps the timeout argument (in units of {@code unitMillis}); 0 means "forever" and is capped too. */
    private Plan capped(Command command, int index, long unitMillis) {
        BigDecimal value;
        try {
            value = new BigDecimal(command.text(index));
        } catch (NumberFormatException e) {
            return new Plan(command, true, maxBlockMillis); // Redis will answer with its own error
        }
        BigDecimal cap = BigDecimal.valueOf(maxBlockMillis).divide(BigDecimal.valueOf(unitMillis));
        if (value.signum() == 0 || value.compareTo(cap) > 0) {
            return new Plan(command.withArg(index, cap.stripTrailingZeros().toPlainString()), true, maxBlockMillis);
        }
        long wait = value.signum() < 0 ? 0 : value.multiply(BigDecimal.valueOf(unitMillis)).longValue();
        return new Plan(command, true, wait);
    }

    private static Set<String> names(Optional<String> list) {
        return ConfigValues.items(list.orElse(""), n -> n.toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
    }
}
