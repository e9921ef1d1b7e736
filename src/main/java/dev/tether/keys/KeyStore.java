package dev.tether.keys;

import dev.tether.gateway.Access;
import dev.tether.gateway.Command;
import dev.tether.gateway.CommandEngine;
import dev.tether.gateway.CommandPolicy;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.HttpError;
import dev.tether.redis.Reply;
import dev.tether.support.Errors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis side of the resources. Reads of a whole key and conditional writes are Lua scripts (EVAL_RO, EVAL) so
 * the type, TTL, ETag and value are one snapshot and a precondition is checked in the same step as the write. The
 * ETag is the SHA-1 of the key's DUMP and its expiry time (PEXPIRETIME): it changes when the value or the expiry
 * changes, not as the TTL counts down. Everything goes through the
 * {@link CommandEngine} with the caller's {@link Access}; the commands a script runs pass the command policy first.
 */
@ApplicationScoped
public class KeyStore {

    static final String READ = """
            local k = KEYS[1]
            local t = redis.call('TYPE', k).ok
            if t == 'none' then return {'none'} end
            local start, count, cursor = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
            local ttl = redis.call('PTTL', k)
            local tag = redis.sha1hex(redis.call('DUMP', k) .. '|' .. redis.call('PEXPIRETIME', k))
            local v, len, nxt = {}, 0, ''
            if t == 'string' then
              len = redis.call('STRLEN', k); v = redis.call('GET', k)
            elseif t == 'list' then
              len = redis.call('LLEN', k); v = redis.call('LRANGE', k, start, start + count - 1)
            elseif t == 'hash' then
              len = redis.call('HLEN', k)
              local r = redis.call('HSCAN', k, cursor == '' and '0' or cursor, 'COUNT', count); nxt, v = r[1], r[2]
            elseif t == 'set' then
              len = redis.call('SCARD', k)
              local r = redis.call('SSCAN', k, cursor == '' and '0' or cursor, 'COUNT', count); nxt, v = r[1], r[2]
            elseif t == 'zset' then
              len = redis.call('ZCARD', k); v = redis.call('ZRANGE', k, start, start + count - 1, 'WITHSCORES')
            elseif t == 'stream' then
              len = redis.call('XLEN', k)
              v = redis.call('XRANGE', k, cursor == '' and '-' or '(' .. cursor, '+', 'COUNT', count)
              if #v == count then nxt = v[#v][1] end
            end
            return {t, ttl, tag, len, nxt, v}
            """;

    // ARGV: condition ('' none, 'absent', 'present' or an ETag), '1' to delete the key first, TTL ms or '',
    // the number of commands, then for each its word count and its words (all checked before, so none fails).
    static final String WRITE = """
            local k, cond = KEYS[1], ARGV[1]
            local d = redis.call('DUMP', k)
            local tag = d and redis.sha1hex(d .. '|' .. redis.call('PEXPIRETIME', k)) or ''
            if (cond == 'absent' and d) or (cond == 'present' and not d)
               or (cond ~= '' and cond ~= 'absent' and cond ~= 'present' and tag ~= cond) then
              return {0, tag}
            end
            if ARGV[2] == '1' then redis.call('DEL', k) end
            local p = 5
            for c = 1, tonumber(ARGV[4]) do
              local n = tonumber(ARGV[p])
              redis.call(unpack(ARGV, p + 1, p + n))
              p = p + n + 1
            end
            if ARGV[3] ~= '' then redis.call('PEXPIRE', k, ARGV[3]) end
            local after = redis.call('DUMP', k)
            return {1, d and 1 or 0, after and redis.sha1hex(after .. '|' .. redis.call('PEXPIRETIME', k)) or ''}
            """;

    @Inject
    CommandEngine engine;

    @Inject
    CommandPolicy policy;

    /** A key as SCAN lists it. {@code ttlMillis} is -1 without expiry. */
    public record Entry(byte[] key, String type, long ttlMillis) {
    }

    public record ScanPage(String cursor, List<Entry> keys) {
    }

    /**
     * One consistent read of a key: its type, TTL (-1: none), ETag, length (items, or bytes of a string), the
     * cursor of the next page ("" when there is none) and the raw value page.
     */
    public record Snapshot(String type, long ttlMillis, String etag, long length, String next, Reply value) {
    }

    /** What a conditional write did: whether the key existed before, and its ETag after ("" when it is gone). */
    public record Written(boolean existed, String etag) {
    }

    /** When-to-write: nothing, only if absent, only if present, or only if the key's ETag is this one. */
    public record Condition(String value) {
        public static final Condition NONE = new Condition("");
        public static final Condition ABSENT = new Condition("absent");
        public static final Condition PRESENT = new Condition("present");

        public static Condition etag(String etag) {
            return new Condition(etag);
        }
    }

    /** 412: the precondition did not hold; carries the key's current ETag (null when it does not exist). */
    public static final class PreconditionFailed extends RuntimeException {
        private final String etag;

        PreconditionFailed(String message, String etag) {
            super(message, null, false, false);
            this.etag = etag;
        }

        public String etag() {
            return etag;
        }
    }

    public ScanPage scan(Access access, String cursor, String match, String type, int count) {
        List<String> words = new ArrayList<>(List.of(cursor, "COUNT", Integer.toString(count)));
        if (match != null && !match.isEmpty()) {
            words.addAll(List.of("MATCH", match));
        }
        if (type != null && !type.isEmpty()) {
            words.addAll(List.of("TYPE", type));
        }
        List<Reply> page = ((Reply.Array) run(access, Command.of("SCAN", words.toArray(String[]::new)))).items();
        String next = text(page.get(0));
        List<Reply> keys = ((Reply.Array) page.get(1)).items();
        if (keys.isEmpty()) {
            return new ScanPage(next, List.of());
        }
        List<Command> details = new ArrayList<>(keys.size() * 2);
        for (Reply key : keys) {
            byte[] k = ((Reply.Bulk) key).bytes();
            details.add(new Command("TYPE", List.of(k)));
            details.add(new Command("PTTL", List.of(k)));
        }
        List<Reply> replies = pipeline(access, details);
        List<Entry> entries = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String t = text(replies.get(2 * i));
            if (!t.equals("none")) { // deleted since SCAN saw it
                entries.add(new Entry(((Reply.Bulk) keys.get(i)).bytes(), t, integer(replies.get(2 * i + 1))));
            }
        }
        return new ScanPage(next, entries);
    }

    /** The key's snapshot, or null when it does not exist. {@code cursor} is "" for the first page. */
    public Snapshot read(Access access, byte[] key, long start, int count, String cursor) {
        Reply reply = run(access, new Command("EVAL_RO", List.of(bytes(READ), bytes("1"), key,
                bytes(Long.toString(start)), bytes(Integer.toString(count)), bytes(cursor))));
        List<Reply> parts = ((Reply.Array) reply).items();
        String type = text(parts.get(0));
        if (type.equals("none")) {
            return null;
        }
        String next = text(parts.get(4));
        return new Snapshot(type, integer(parts.get(1)), text(parts.get(2)), integer(parts.get(3)),
                next.equals("0") ? "" : next, parts.get(5));
    }

    /**
     * Runs {@code commands} on {@code key} atomically if {@code condition} holds (else {@link PreconditionFailed}),
     * after deleting the key when {@code replace}; then sets the TTL when {@code ttlMillis > 0}.
     */
    public Written write(Access access, byte[] key, Condition condition, boolean replace, long ttlMillis,
                         List<Command> commands) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(WRITE));
        args.add(bytes("1"));
        args.add(key);
        args.add(bytes(condition.value()));
        args.add(bytes(replace ? "1" : "0"));
        args.add(bytes(ttlMillis > 0 ? Long.toString(ttlMillis) : ""));
        args.add(bytes(Integer.toString(commands.size())));
        if (replace) {
            policy.plan(new Command("DEL", List.of(key)));
        }
        for (Command command : commands) {
            policy.plan(command); // 403 for what the policy denies, as on the dialects
            args.add(bytes(Integer.toString(command.args().size() + 1)));
            args.add(bytes(command.name()));
            args.addAll(command.args());
        }
        List<Reply> parts = ((Reply.Array) run(access, new Command("EVAL", args))).items();
        if (integer(parts.get(0)) == 0) {
            String tag = text(parts.get(1));
            throw new PreconditionFailed(switch (condition.value()) {
                case "absent" -> "the key exists (If-None-Match: *)";
                case "present" -> "the key does not exist (If-Match: *)";
                default -> tag.isEmpty() ? "the key does not exist (If-Match)"
                        : "the key changed: its ETag is no longer the one in If-Match";
            }, tag.isEmpty() ? null : quote(tag));
        }
        return new Written(integer(parts.get(1)) == 1, text(parts.get(2)));
    }

    /** One command; a Redis error becomes 409 (WRONGTYPE) or 400. */
    public Reply run(Access access, Command command) {
        return checked(join(engine.execute(command, access)));
    }

    /** Commands in order on one connection; any Redis error fails the whole call as {@link #run} does. */
    public List<Reply> pipeline(Access access, List<Command> commands) {
        List<Reply> replies = join(engine.pipeline(commands, access));
        replies.forEach(KeyStore::checked);
        return replies;
    }

    static Reply checked(Reply reply) {
        if (reply instanceof Reply.Error error) {
            String message = error.message();
            if (message.startsWith("WRONGTYPE")) {
                throw new HttpError(409, message);
            }
            if (message.contains("denied by the command policy") || message.contains("read-only")) {
                throw GatewayException.forbidden(message);
            }
            throw GatewayException.bad(message);
        }
        return reply;
    }

    static String quote(String etag) {
        return "\"" + etag + "\"";
    }

    static String text(Reply reply) {
        if (reply instanceof Reply.Bulk b) {
            return new String(b.bytes(), StandardCharsets.UTF_8);
        }
        if (reply instanceof Reply.Status s) {
            return s.text();
        }
        if (reply instanceof Reply.Int i) {
            return Long.toString(i.value());
        }
        return "";
    }

    static long integer(Reply reply) {
        return reply instanceof Reply.Int i ? i.value() : Long.parseLong(text(reply));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (RuntimeException e) {
            Throwable t = Errors.unwrap(e);
            throw t instanceof RuntimeException r ? r : e;
        }
    }
}
