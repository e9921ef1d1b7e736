/**
 * The Upstash REST dialect at {@code /redis}: parse, run through the engine, format. May use {@code gateway.http},
 * {@code gateway}, {@code pubsub} (its SSE streams), {@code redis} (replies) and {@code support}.
 */
package dev.tether.gateway.upstash;
