package dev.tether.gateway.http;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * CORS for browser callers, off unless {@code tether.cors.origins} lists origins (or "*"). Allows the
 * headers the Upstash SDKs send and exposes the sync token.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final Set<String> ALLOWED_HEADERS = Set.of("authorization", "content-type", "upstash-encoding",
            "upstash-sync-token", "upstash-response-format");
    private static final String ALLOWED_METHODS = "GET, POST, PUT, OPTIONS";

    @Inject
    @ConfigProperty(name = "tether.cors.origins")
    Optional<String> origins;

    @Override
    public void filter(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if (!"OPTIONS".equals(request.getMethod()) || origin == null
                || request.getHeaderString("Access-Control-Request-Method") == null) {
            return;
        }
        if (!allowed(origin)) {
            request.abortWith(ErrorBody.response(403, "origin " + origin + " is not allowed (tether.cors.origins)"));
            return;
        }
        String requested = Optional.ofNullable(request.getHeaderString("Access-Control-Request-Headers")).orElse("");
        String headers = Arrays.stream(requested.split(","))
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> ALLOWED_HEADERS.contains(h) || h.startsWith("upstash-telemetry-"))
                .collect(Collectors.joining(", "));
        request.abortWith(Response.noContent()
                .header("Access-Control-Allow-Origin", origin)
                .header("Access-Control-Allow-Methods", ALLOWED_METHODS)
                .header("Access-Control-Allow-Headers", headers.isEmpty() ? String.join(", ", ALLOWED_HEADERS) : headers)
                .header("Access-Control-Max-Age", "600")
                .header("Vary", "Origin")
                .build());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String origin = request.getHeaderString("Origin");
        if (origin != null && allowed(origin) && !response.getHeaders().containsKey("Access-Control-Allow-Origin")) {
            response.getHeaders().putSingle("Access-Control-Allow-Origin", origin);
            response.getHeaders().putSingle("Access-Control-Expose-Headers", "upstash-sync-token");
            response.getHeaders().add("Vary", "Origin");
        }
    }

    private boolean allowed(String origin) {
        return origins.map(list -> Arrays.stream(list.split(","))
                        .map(String::trim)
                        .anyMatch(o -> o.equals("*") || o.equalsIgnoreCase(origin)))
                .orElse(false);
    }
}
