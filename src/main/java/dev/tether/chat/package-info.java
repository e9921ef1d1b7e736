/**
 * The WebSocket chat: endpoint, hub, rooms, bounded outboxes, heartbeat and the Redis stream store. May use
 * {@code redis} and {@code support}.
 */
package dev.tether.chat;
