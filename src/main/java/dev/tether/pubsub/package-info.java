/**
 * Redis pub/sub for every transport: one Redis subscription per channel and per pattern per instance, shared by
 * all local subscribers and reference-counted ({@link dev.tether.pubsub.PubSub}); a bounded queue per subscriber
 * ({@link dev.tether.pubsub.Subscription}) that a transport drains with its own writer (SSE, chunked HTTP,
 * WebSocket live with their dialect). Transport-free: knows nothing of HTTP. May use {@code redis} and
 * {@code support}.
 */
package dev.tether.pubsub;
