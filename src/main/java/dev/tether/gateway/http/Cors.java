package dev.tether.gateway.http;

import dev.tether.support.ConfigValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * CORS for browser callers, off unless {@code tether.cors.origins} lists origins (or "*"). Allows the headers the
 * Upstash SDKs send and exposes the sync token.
 */
@ApplicationScoped
public class Cors {

    static final Set<String> ALLOWED_HEADERS = Set.of("authorization", "content-type", "x-requested-with", "upstash-encoding",
            "upstash-sync-token", "upstash-response-format");
    private static final String ALLOWED_METHODS = "GET, POST, PUT, OPTIONS";

    private final Set<String> origins;
    private final boolean any;

    @Inject
    public Cors(@ConfigProperty(name = "tether.cors.origins") Optional<String> origins) {
        this.origins = ConfigValues.items(origins.orElse(""), o -> o.toLowerCase(Locale.ROOT));
        this.any = this.origins.contains("*");
    }

    Cors() {
        this(Optional.empty());
    }

    /**
     * True when the request was a preflight and has been answered (204, or 403 for a foreign origin); otherwise the
     * CORS headers of an actual request are added and the route goes on.
     */
    public boolean answered(HttpServletRequest request, HttpServletResponse response) {
        if (preflight(request, response)) {
            return true;
        }
        decorate(request, response);
        return false;
    }

    private boolean preflight(HttpServletRequest request, HttpServletResponse response) {
        String origin = request.getHeader("Origin");
        if (!"OPTIONS".equals(request.getMethod()) || origin == null
                || request.getHeader("Access-Control-Request-Method") == null) {
            return false;
        }
        if (!allowed(origin)) {
            throw new HttpError(403, "origin " + origin + " is not allowed (tether.cors.origins)");
        }
        String requested = Optional.ofNullable(request.getHeader("Access-Control-Request-Headers")).orElse("");
        String headers = Arrays.stream(requested.split(","))
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> ALLOWED_HEADERS.contains(h) || h.startsWith("upstash-telemetry-"))
                .collect(Collectors.joining(", "));
        response.setStatus(204);
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
        response.setHeader("Access-Control-Allow-Headers", headers.isEmpty() ? String.join(", ", ALLOWED_HEADERS) : headers);
        response.setHeader("Access-Control-Max-Age", "600");
        response.setHeader("Vary", "Origin");
        return true;
    }

    private void decorate(HttpServletRequest request, HttpServletResponse response) {
        if (origins.isEmpty()) {
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && allowed(origin)) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", "upstash-sync-token");
            response.addHeader("Vary", "Origin");
        }
    }

    private boolean allowed(String origin) {
        return any || origins.contains(origin.toLowerCase(Locale.ROOT));
    }
}
