/**
 * The one Redisson client (built once at startup) and its configuration (one Redis, a Cluster or Sentinel), the raw
 * command executor with faithful RESP reply decoding ({@link dev.tether.redis.Reply}), the request threads' own
 * connections for single commands ({@link dev.tether.redis.DirectLane}), the admission gates for pooled and
 * dedicated connections, Redis Cluster's slot function, health and metrics. May use {@code support}; knows nothing of HTTP or of the
 * features above it.
 */
package dev.tether.redis;
