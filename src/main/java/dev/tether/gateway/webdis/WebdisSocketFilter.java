package dev.tether.gateway.webdis;

import dev.tether.gateway.http.HttpError;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a WebSocket handshake to /webdis/.json or /webdis/.raw before the upgrade: the Origin (same origin, or
 * listed in {@code tether.webdis.ws-origins}; no Origin = not a browser, passes), then the credentials as for HTTP
 * (Authorization header, or {@code ?token=} since browsers cannot set headers on a WebSocket). Refusals are
 * 401/403 with a JSON body. The caller travels to the endpoint as the handshake's user principal, the one
 * per-connection value the WebSocket API carries over; the container's WebSocket filter runs after this one.
 */
@WebFilter(urlPatterns = {"/webdis/.json", "/webdis/.raw"})
public class WebdisSocketFilter extends HttpFilter {

    /** The authenticated caller, as the handshake's principal. */
    public record Authenticated(WebdisAuth.Caller caller) implements Principal {
        @Override
        public String getName() {
            return caller.user() == null ? "webdis" : caller.user();
        }
    }

    @Inject
    WebdisAuth auth;

    @Inject
    WebdisSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response); // a plain request: the servlet answers it
            return;
        }
        WebdisAuth.Caller caller;
        try {
            String origin = request.getHeader("Origin");
            if (origin != null && !allowed(origin, request.getHeader("Host"), settings.wsOrigins())) {
                throw new HttpError(403, "origin " + origin + " is not allowed (tether.webdis.ws-origins)");
            }
            String authorization = request.getHeader("Authorization");
            String token = request.getParameter("token");
            caller = auth.check(authorization == null && token != null ? "Bearer " + token : authorization,
                    request.getRemoteAddr());
        } catch (RuntimeException e) {
            WebdisFailures.send(response, e);
            return;
        }
        Authenticated principal = new Authenticated(caller);
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }
        }, response);
    }

    static boolean allowed(String origin, String host, Set<String> allowed) {
        if (allowed.contains("*") || allowed.contains(origin.toLowerCase(Locale.ROOT))) {
            return true;
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority != null && host != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
