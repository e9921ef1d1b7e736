package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RStream;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * A room's messages in the Redis stream {@code tether:chat:<room>}, through Redisson's async API only. Results
 * complete on Redisson's threads: the caller decides where to continue.
 */
@ApplicationScoped
public class ChatStore {

    @Inject
    RedisConnector connector;

    /** XADD … MAXLEN ~ max: the stored message with its stream id. */
    CompletionStage<ChatMessage> append(String room, String from, String text, int maxLength) {
        return stream(room).addAsync(StreamAddArgs.entries(Map.of("from", from, "text", text))
                        .trimNonStrict().maxLen(maxLength).noLimit())
                .thenApply(id -> new ChatMessage(id.toString(), room, from, text, id.getId0()));
    }

    /** The last {@code count} messages, oldest first. */
    CompletionStage<List<ChatMessage>> last(String room, int count) {
        return stream(room).rangeReversedAsync(count, StreamMessageId.MAX, StreamMessageId.MIN)
                .thenApply(entries -> {
                    List<ChatMessage> list = toMessages(room, entries);
                    Collections.reverse(list);
                    return list;
                });
    }

    /** Every stored message after {@code since} (exclusive), oldest first, at most {@code count}. */
    CompletionStage<List<ChatMessage>> after(String room, StreamMessageId since, int count) {
        StreamMessageId from = new StreamMessageId(since.getId0(), since.getId1() + 1);
        return stream(room).rangeAsync(count, from, StreamMessageId.MAX)
                .thenApply(entries -> toMessages(room, entries));
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

    private RStream<String, String> stream(String room) {
        return connector.client().getStream("tether:chat:" + room, StringCodec.INSTANCE);
    }

    private static List<ChatMessage> toMessages(String room, Map<StreamMessageId, Map<String, String>> entries) {
        List<ChatMessage> list = new ArrayList<>(entries.size());
        entries.forEach((id, fields) -> list.add(new ChatMessage(id.toString(), room, fields.getOrDefault("from", "?"),
                fields.getOrDefault("text", ""), id.getId0())));
        return list;
    }
}
