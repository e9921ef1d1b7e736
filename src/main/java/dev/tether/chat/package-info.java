/**
 * The WebSocket chat: the endpoint at {@code /ws/chat/{room}} (thin), the hub that checks what clients send, rooms
 * whose workers store messages in the room's Redis stream in pipelines and broadcast each batch as one frame encoded
 * once, bounded per-client outboxes that merge what waits into one frame, batched presence, and the heartbeat.
 * May use {@code redis} (the Redisson client) and {@code support} (workers, JSON-P, metrics).
 */
package dev.tether.chat;
