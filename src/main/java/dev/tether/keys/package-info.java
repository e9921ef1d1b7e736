/**
 * Typed REST resources over Redis under {@code /api} (JAX-RS, described with MicroProfile OpenAPI): keys with their
 * types and TTLs, one resource per data type's common operations, and pub/sub channels as Server-Sent Events.
 * Every command runs through {@link dev.tether.gateway.CommandEngine}, so tokens, the read-only rule, the command
 * policy and the limits are the same as on the dialects. Thin resources; the Redis side (Lua scripts for atomic
 * reads and conditional writes) is in {@link dev.tether.keys.KeyStore}. May use {@code gateway}, {@code gateway.http},
 * {@code pubsub}, {@code redis} (its reply and exception types) and {@code support}.
 */
package dev.tether.keys;
