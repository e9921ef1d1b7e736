package dev.tether.chat;

/** One stored chat message; {@code id} is its Redis stream id and {@code ts} the id's millisecond part. */
public record ChatMessage(String id, String room, String from, String text, long ts) {
}
