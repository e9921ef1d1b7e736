/**
 * The WebSocket chat: the endpoint at {@code /ws/chat/{room}} (thin), the hub that checks what clients send, rooms
 * whose workers store messages in the room's Redis stream in pipelines (and broadcast one at once when it
 * directly follows what the instance delivered), the instance's stream readers ({@link dev.tether.chat.RoomFeed},
 * one per Redis master) that bring every other stored message to the rooms in stream order (so any number of
 * instances deliver the same sequence), presence across instances ({@link dev.tether.chat.ChatPresence}),
 * bounded per-client outboxes that merge what waits into one frame (on Payara sending the bytes a broadcast made once,
 * {@link dev.tether.chat.TyrusFrames}), batched presence, and the heartbeat.
 * May use {@code redis} (the Redisson client) and {@code support} (workers, JSON-P, metrics).
 */
package dev.tether.chat;
