package dev.tether.gateway.upstash;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Returns an {@code upstash-sync-token} that changes on every response, as the Upstash SDKs track it. */
@Provider
public class SyncTokenFilter implements ContainerResponseFilter {

    private static final String NODE = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicLong COUNTER = new AtomicLong();

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle("upstash-sync-token", NODE + "-" + COUNTER.incrementAndGet());
    }
}
