package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RStreamAsync;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamMessageId;
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
     * Runs the Redis commands of a room's batch as one pipeline, in order: XADD … MAXLEN ~ for each Append, the
     * history read for each Join. Continues on {@code continueOn} with one result per step: the
     * new message's {@link StreamMessageId}, a Join's {@code List<ChatMessage>}, a {@link Throwable} when Redis
     * did not answer, or null for steps without a command.
     */
    CompletionStage<Object[]> batch(String room, List<Room.Step> steps, ChatSettings s, Executor continueOn) {
        RBatch batch = connector.client().createBatch(BatchOptions.defaults().retryAttempts(0));
        RStreamAsync<String, String> stream = batch.getStream(key(room), StringCodec.INSTANCE);
        List<CompletableFuture<?>> futures = new ArrayList<>(steps.size());
        for (Room.Step step : steps) {
            futures.add(command(stream, step, s));
        }
        Object[] results = new Object[steps.size()];
        if (futures.stream().allMatch(f -> f == null)) {
            return CompletableFuture.completedFuture(results);
        }
        batch.executeAsync();
        return CompletableFuture.allOf(futures.stream().filter(f -> f != null).toArray(CompletableFuture[]::new))
                .handleAsync((ignored, failure) -> {
                    for (int i = 0; i < results.length; i++) {
                        results[i] = result(room, steps.get(i), futures.get(i));
                    }
                    return results;
                }, continueOn);
    }

    private static CompletableFuture<?> command(RStreamAsync<String, String> stream, Room.Step step, ChatSettings s) {
        if (step instanceof Room.Append a) {
            return stream.addAsync(StreamAddArgs.entries(Map.of("from", a.from().name, "text", a.text()))
                    .trimNonStrict().maxLen(s.streamMaxLength()).noLimit()).toCompletableFuture();
        }
        if (step instanceof Room.Join j) {
            return j.since() == null
                    ? stream.rangeReversedAsync(s.historySize(), StreamMessageId.MAX, StreamMessageId.MIN).toCompletableFuture()
                    : stream.rangeAsync(s.streamMaxLength() * 2,
                            new StreamMessageId(j.since().getId0(), j.since().getId1() + 1), StreamMessageId.MAX).toCompletableFuture();
        }
        return null;
    }

    private static Object result(String room, Room.Step step, CompletableFuture<?> future) {
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
                }
                return list;
            }
            return value;
        } catch (RuntimeException e) {
            return e;
        }
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

    private static List<ChatMessage> toMessages(String room, Map<StreamMessageId, Map<String, String>> entries) {
        List<ChatMessage> list = new ArrayList<>(entries.size());
        entries.forEach((id, fields) -> list.add(new ChatMessage(id.toString(), room, fields.getOrDefault("from", "?"),
                fields.getOrDefault("text", ""), id.getId0())));
        return list;
    }
}
