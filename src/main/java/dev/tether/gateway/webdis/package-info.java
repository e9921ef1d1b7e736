/**
 * The Webdis dialect at {@code /webdis}: Webdis's URLs ({@code /GET/k.json}, {@code POST /} with
 * {@code CMD/arg…}, {@code PUT} with the body as last argument, {@code /7/GET/k}), its output formats (one
 * {@link dev.tether.gateway.webdis.WebdisFormat} per format, as Webdis keeps them in src/formats/), its chunked
 * SUBSCRIBE on the shared pub/sub core, and its WebSocket at {@code /webdis/.json} and {@code /webdis/.raw}.
 * One request record ({@link dev.tether.gateway.webdis.WebdisRequest}) goes from parse to format; one class maps
 * outcomes to statuses ({@link dev.tether.gateway.webdis.WebdisFailures}). May use {@code gateway.http},
 * {@code gateway}, {@code pubsub}, {@code redis} (replies) and {@code support}.
 */
package dev.tether.gateway.webdis;
