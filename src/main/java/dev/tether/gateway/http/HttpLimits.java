package dev.tether.gateway.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Request limits shared by every HTTP route. */
@ApplicationScoped
public class HttpLimits {

    @Inject
    @ConfigProperty(name = "tether.http.max-body", defaultValue = "1048576")
    long maxBody;

    @Inject
    @ConfigProperty(name = "tether.http.max-url", defaultValue = "16384")
    int maxUrl;

    public long maxBody() {
        return maxBody;
    }

    /** Characters of path and query together; the server's own limit on the whole request head is above it. */
    public int maxUrl() {
        return maxUrl;
    }
}
