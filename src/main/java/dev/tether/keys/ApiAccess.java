package dev.tether.keys;

import dev.tether.gateway.Access;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.TokenAuth;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * The same tokens as the dialects ({@link TokenAuth}): the caller's {@link Access} is kept as a request attribute for
 * the resources. The read-only token may only read (GET, HEAD); the engine checks each command besides.
 */
@Provider
@PreMatching
public class ApiAccess implements ContainerRequestFilter {

    static final String ATTRIBUTE = "dev.tether.keys.access";

    @Inject
    TokenAuth auth;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        String method = request.getMethod();
        if (method.equals("OPTIONS")) {
            return;
        }
        Access access = auth.check(request.getHeaderString("Authorization"),
                request.getUriInfo().getQueryParameters().getFirst("_token"), servletRequest.getRemoteAddr());
        if (access == Access.READ_ONLY && !method.equals("GET") && !method.equals("HEAD")) {
            throw GatewayException.forbidden(method + " writes, and this token is read-only");
        }
        request.setProperty(ATTRIBUTE, access);
    }

    /** The access the filter granted to this request. */
    static Access of(HttpServletRequest request) {
        Object access = request.getAttribute(ATTRIBUTE);
        return access instanceof Access a ? a : Access.READ_ONLY;
    }
}
