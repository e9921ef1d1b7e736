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

    public long maxBody() {
        return maxBody;
    }
}
