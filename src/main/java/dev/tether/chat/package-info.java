/**
 * The WebSocket chat: the endpoint at {@code /ws/chat/{room}} (thin), the hub that checks what clients send, rooms
 * whose workers store messages in the room's Redis stream in pipelines, the instance's one stream reader
 * ({@link dev.tether.chat.RoomFeed}) that brings every stored message back to the rooms in stream order (so any
 * number of instances deliver the same sequence), presence across instances ({@link dev.tether.chat.ChatPresence}),
 * bounded per-client outboxes that merge what waits into one frame, batched presence, and the heartbeat.
 * May use {@code redis} (the Redisson client) and {@code support} (workers, JSON-P, metrics).
 */
package dev.tether.chat;
