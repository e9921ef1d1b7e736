package dev.tether.chat;

import org.redisson.api.stream.StreamMessageId;

/** One stored chat message; {@code id} is its Redis stream id and {@code ts} the id's millisecond part. */
public record ChatMessage(String id, String room, String from, String text, long ts) {

    /** The id as Redis orders it. */
    StreamMessageId streamId() {
        int dash = id.indexOf('-');
        return dash < 0 ? new StreamMessageId(Long.parseLong(id), 0)
                : new StreamMessageId(Long.parseLong(id, 0, dash, 10), Long.parseLong(id, dash + 1, id.length(), 10));
    }
}
