package dev.tether.gateway.upstash;

import dev.tether.gateway.http.BodyLimitFilter;
import dev.tether.gateway.http.CorsFilter;
import dev.tether.gateway.http.FailureMapper;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The Upstash dialect as its own JAX-RS application, so each dialect owns its URL space. */
@ApplicationPath("/redis")
public class UpstashApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(UpstashResource.class, SyncTokenFilter.class, CorsFilter.class, BodyLimitFilter.class,
                FailureMapper.class);
    }
}
