/**
 * What every HTTP dialect of the gateway shares: token authentication, CORS, body limits, and the one place that
 * maps outcomes to HTTP statuses and JSON errors ({@link dev.tether.gateway.http.Failures}), and the non-blocking
 * writer of pub/sub streams ({@link dev.tether.gateway.http.EventStream}). May use {@code gateway}, {@code pubsub}
 * (its subscription types), {@code redis} (its exception types) and {@code support}.
 */
package dev.tether.gateway.http;
