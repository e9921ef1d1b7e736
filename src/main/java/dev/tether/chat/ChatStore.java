package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RStreamAsync;
import org.redisson.api.stream.StreamInfo;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.StringCodec;

/**
 * A room's messages in the Redis stream {@code tether:chat:<room>}, through Redisson's async batches only. Results
 * continue on the executor the caller names, so a broadcast to many clients never runs on a Redisson Netty thread.
 */
@ApplicationScoped
public class ChatStore {

    @Inject
    RedisConnector connector;

    /**
     * Appends one message and answers {id, the id of the entry before it} atomically, so an instance can tell
     * whether it has delivered everything before this one (then it broadcasts it at once) and a reader can tell
     * whether entries it never read were trimmed (the first entry it reads names one newer than its position).
     * The predecessor is also stored in the entry ({@code prev}) for that reader; the stream's expiry is refreshed.
     */
    static final String APPEND = """
            local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
            local prev = top[1] and top[1][1] or '0-0'
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                'from', ARGV[2], 'text', ARGV[3], 'prev', prev)
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return {id, prev}""";

    /** An Append's result: the new entry's id and the id of the entry before it (0-0 for the first). */
    record Stored(StreamMessageId id, StreamMessageId prev) {
    }

    /** What a Join gets: the messages, and false when some it asked for ({@code since}) are no longer retained. */
    record History(List<ChatMessage> messages, boolean complete) {
    }

    /** The newest id in the room's stream (0-0 when it is empty or missing): where this instance starts reading. */
    CompletionStage<StreamMessageId> newest(String room, Executor continueOn) {
        return connector.client().<String, String>getStream(key(room), StringCodec.INSTANCE)
                .rangeReversedAsync(1, StreamMessageId.MAX, StreamMessageId.MIN)
                .thenApplyAsync(top -> top.isEmpty() ? ZERO : top.keySet().iterator().next(), continueOn);
    }

    /**
     * Runs the Redis commands of a room's batch as one pipeline, in order: {@link #APPEND} for each Append, the
     * history read for each Join, up to {@code bounds[i]} (what the members had got at that point of the batch).
     * Continues on {@code continueOn} with one result per step: an Append's {@link Stored}, a
     * Join's {@link History}, a {@link Throwable} when Redis did not answer, or null for steps without a command.
     */
    CompletionStage<Object[]> batch(String room, List<Room.Step> steps, StreamMessageId[] bounds, ChatSettings s,
            Executor continueOn) {
        return pipeline(room, steps, bounds, s, continueOn).thenCompose(results -> {
            int from = unsentSuffix(results);
            if (from == results.length) {
                return CompletableFuture.completedFuture(results);
            }
            // a master new to the room's key (resharded, promoted, restarted) lacks the script, and Redisson's
            // batches send EVALSHA without falling back to EVAL: load it on every master (mid-reshard the key's
            // master is not yet the slot's), then send the appends again, in order
            List<Room.Step> again = steps.subList(from, steps.size());
            return connector.client().getScript(StringCodec.INSTANCE).scriptLoadAsync(APPEND)
                    .thenCompose(sha -> pipeline(room, again, Arrays.copyOfRange(bounds, from, bounds.length), s, continueOn))
                    .handleAsync((retried, failure) -> {
                        for (int i = from; i < results.length; i++) {
                            results[i] = retried != null ? retried[i - from] : failure;
                        }
                        return results;
                    }, continueOn);
        });
    }

    /**
     * Where the results end in appends refused with NOSCRIPT (not run: nothing was stored), or their length. Only a
     * suffix is sent again, so a retried message never lands after a later one of the same batch.
     */
    private static int unsentSuffix(Object[] results) {
        int from = results.length;
        while (from > 0 && results[from - 1] instanceof Throwable t && noScript(t)) {
            from--;
        }
        return from;
    }

    private static boolean noScript(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisNoScriptException) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<Object[]> pipeline(String room, List<Room.Step> steps, StreamMessageId[] bounds,
            ChatSettings s, Executor continueOn) {
        RBatch batch = connector.client().createBatch(BatchOptions.defaults().retryAttempts(0));
        RStreamAsync<String, String> stream = batch.getStream(key(room), StringCodec.INSTANCE);
        RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
        List<CompletableFuture<?>> futures = new ArrayList<>(steps.size());
        List<CompletableFuture<StreamInfo<String, String>>> infos = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Room.Step step = steps.get(i);
            futures.add(step instanceof Room.Append a ? append(script, room, a, s) : command(stream, step, bounds[i], s));
            infos.add(step instanceof Room.Join j && j.since() != null && bounds[i] != null
                    ? stream.getInfoAsync().toCompletableFuture() : null);
        }
        Object[] results = new Object[steps.size()];
        if (futures.stream().allMatch(f -> f == null)) {
            return CompletableFuture.completedFuture(results);
        }
        batch.executeAsync();
        CompletableFuture<?>[] all = java.util.stream.Stream.concat(futures.stream(), infos.stream())
                .filter(f -> f != null).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).handleAsync((ignored, failure) -> {
            for (int i = 0; i < results.length; i++) {
                results[i] = result(room, steps.get(i), futures.get(i), infos.get(i), s);
            }
            return results;
        }, continueOn);
    }

    private static CompletableFuture<Stored> append(RScriptAsync script, String room, Room.Append a, ChatSettings s) {
        String key = key(room);
        return script.<List<Object>>evalAsync(key, RScript.Mode.READ_WRITE, APPEND, RScript.ReturnType.LIST,
                List.of(key), Integer.toString(s.streamMaxLength()), a.from().name, a.text(), Long.toString(s.roomExpiry()))
                .toCompletableFuture()
                .thenApply(r -> new Stored(parseId(String.valueOf(r.get(0))), parseId(String.valueOf(r.get(1)))));
    }

    private static CompletableFuture<?> command(RStreamAsync<String, String> stream, Room.Step step,
            StreamMessageId bound, ChatSettings s) {
        if (step instanceof Room.Join j && bound != null) {
            if (j.since() == null) {
                return stream.rangeReversedAsync(s.historySize(), bound, StreamMessageId.MIN).toCompletableFuture();
            }
            StreamMessageId from = new StreamMessageId(j.since().getId0(), j.since().getId1() + 1);
            return compare(from, bound) > 0 ? null
                    : stream.rangeAsync(s.streamMaxLength() * 2, from, bound).toCompletableFuture();
        }
        return null;
    }

    private static Object result(String room, Room.Step step, CompletableFuture<?> future,
            CompletableFuture<StreamInfo<String, String>> info, ChatSettings s) {
        if (step instanceof Room.Join j && future == null) {
            return new History(List.of(), true); // since is at or after what the members got: nothing to replay
        }
        if (future == null) {
            return null;
        }
        try {
            Object value = future.join();
            if (step instanceof Room.Join j && value instanceof Map<?, ?> entries) {
                @SuppressWarnings("unchecked")
                List<ChatMessage> list = toMessages(room, (Map<StreamMessageId, Map<String, String>>) entries);
                if (j.since() == null) {
                    Collections.reverse(list);
                    return new History(list, true);
                }
                return new History(list, list.size() < s.streamMaxLength() * 2 && retained(j.since(), info));
            }
            return value;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * Whether everything after {@code since} is still in the stream: nothing was ever removed from it, or its first
     * entry is at or before {@code since} (trimming removes from the head) and nothing newer than {@code since} was
     * deleted. Conservative: when the entry {@code since} names was itself trimmed, the answer is false even if
     * nothing after it was. A missing stream counts as not retained.
     */
    private static boolean retained(StreamMessageId since, CompletableFuture<StreamInfo<String, String>> info) {
        try {
            StreamInfo<String, String> stream = info.join();
            if (stream.getEntriesAdded() == stream.getLength()) {
                return true;
            }
            StreamMessageId deleted = stream.getMaxDeletedEntryId();
            return stream.getFirstEntry() != null && compare(stream.getFirstEntry().getId(), since) <= 0
                    && (deleted == null || compare(deleted, since) <= 0);
        } catch (RuntimeException missing) {
            return false;
        }
    }

    static final StreamMessageId ZERO = new StreamMessageId(0, 0);

    /** Orders stream ids as Redis does. */
    static int compare(StreamMessageId a, StreamMessageId b) {
        int c = Long.compareUnsigned(a.getId0(), b.getId0());
        return c != 0 ? c : Long.compareUnsigned(a.getId1(), b.getId1());
    }

    /** Parses "ms-seq" (or "ms"), or null. */
    static StreamMessageId parseId(String id) {
        if (id == null || !id.matches("\\d{1,19}(-\\d{1,19})?")) {
            return null;
        }
        try {
            String[] parts = id.split("-");
            return new StreamMessageId(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String key(String room) {
        return "tether:chat:" + room;
    }

    /** The Redis Cluster slot of the room's stream: one XREAD may name keys of one slot only. */
    static int slot(String room) {
        return dev.tether.redis.Slots.of(key(room).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static List<ChatMessage> toMessages(String room, Map<StreamMessageId, Map<String, String>> entries) {
        List<ChatMessage> list = new ArrayList<>(entries.size());
        entries.forEach((id, fields) -> list.add(new ChatMessage(id.toString(), room, fields.getOrDefault("from", "?"),
                fields.getOrDefault("text", ""), id.getId0())));
        return list;
    }
}
