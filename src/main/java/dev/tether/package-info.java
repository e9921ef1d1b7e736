/**
 * Tether: Redis over HTTP and a WebSocket chat on Jakarta EE. This package holds only what belongs to the
 * application as a whole (its liveness check). Features live in sub-packages; arrows point one way:
 * {@code gateway.upstash → gateway.http → gateway → redis → support}, {@code chat → redis, support}.
 */
package dev.tether;
