package dev.tether.gateway;

import dev.tether.redis.RedisConnector;
import dev.tether.redis.RedisErrors;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs a transaction as one Lua script on a pooled connection. A script is atomic like MULTI/EXEC but,
 * unlike EXEC through Redisson, it reports an error in its own slot while the other slots keep their
 * replies, and it never leaves a pooled connection in MULTI state. Differences from MULTI/EXEC: integers
 * above 2^53 lose precision in Lua, and commands Redis forbids in scripts fail in their slot.
 */
@ApplicationScoped
public class Transactions {

    // ARGV: the number of commands, then for each its word count and its words.
    // A slot is {1, reply}, {2} for nil (a Lua table cannot hold nil) or {0, error text}.
    static final String SCRIPT = """
            local out, p = {}, 2
            for c = 1, tonumber(ARGV[1]) do
              local n = tonumber(ARGV[p])
              local r = redis.pcall(unpack(ARGV, p + 1, p + n))
              p = p + n + 1
              if type(r) == 'table' and r.err then out[c] = {0, r.err}
              elseif r == false or r == nil then out[c] = {2}
              else out[c] = {1, r} end
            end
            return out
            """;

    private static final byte[] SCRIPT_BYTES = SCRIPT.getBytes(StandardCharsets.UTF_8);

    @Inject
    RedisConnector connector;

    CompletionStage<List<Reply>> run(List<Command> commands) {
        return run(commands, null);
    }

    /**
     * With {@code key} (a cluster): the script declares it, so it runs on the master of the transaction's slot and
     * Redis itself checks the slot (and redirects during a migration); ARGV is the same.
     */
    CompletionStage<List<Reply>> run(List<Command> commands, byte[] key) {
        List<Object> args = new ArrayList<>();
        args.add(SCRIPT_BYTES);
        if (key == null) {
            args.add(ascii("0"));
        } else {
            args.add(ascii("1"));
            args.add(key);
        }
        args.add(ascii(Integer.toString(commands.size())));
        for (Command command : commands) {
            args.add(ascii(Integer.toString(command.args().size() + 1)));
            args.add(ascii(command.name()));
            args.addAll(command.args());
        }
        return (key == null ? connector.internals().run("EVAL", args.toArray())
                : connector.internals().run(key, "EVAL", args.toArray()))
                .toCompletableFuture()
                .orTimeout(connector.settings().timeout(), TimeUnit.MILLISECONDS)
                .handle((value, error) -> {
                    if (error != null) {
                        String text = RedisErrors.replyText(error);
                        if (text != null) {
                            throw GatewayException.bad(text);
                        }
                        throw RedisErrors.unavailable(error);
                    }
                    return slots(value);
                });
    }

    private static List<Reply> slots(Reply reply) {
        List<Reply> out = new ArrayList<>();
        for (Reply slot : ((Reply.Array) reply).items()) {
            List<Reply> parts = ((Reply.Array) slot).items();
            long kind = ((Reply.Int) parts.get(0)).value();
            if (kind == 0) {
                out.add(new Reply.Error(text(parts.get(1))));
            } else if (kind == 2) {
                out.add(Reply.NIL);
            } else {
                out.add(parts.get(1));
            }
        }
        return out;
    }

    private static String text(Reply reply) {
        return reply instanceof Reply.Bulk bulk ? new String(bulk.bytes(), StandardCharsets.UTF_8)
                : reply instanceof Reply.Status status ? status.text() : String.valueOf(reply);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
