/**
 * The WebSocket chat: the endpoint at {@code /ws/chat/{room}} (thin), the hub that checks what clients send, rooms
 * whose workers store messages in the room's Redis stream in pipelines and broadcast each batch as one frame encoded
 * once, bounded per-client outboxes that merge what waits into one frame, batched presence, and the heartbeat.
 * Uses {@code dev.tether.redis} (the Redisson client and its reply pool) and the shared JSON-P and metrics helpers.
 */
package dev.tether.chat;
