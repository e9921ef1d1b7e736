package dev.tether.gateway.http;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/** Refuses a declared body over {@code tether.http.max-body} before reading it; {@link BodyLimit} guards chunked ones. */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 50)
public class BodyLimitFilter implements ContainerRequestFilter {

    @Inject
    HttpLimits limits;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > limits.maxBody()) {
            request.abortWith(Failures.toResponse(BodyLimit.tooLarge(limits.maxBody())));
        }
    }
}
