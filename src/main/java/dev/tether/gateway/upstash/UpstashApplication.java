package dev.tether.gateway.upstash;

import dev.tether.web.BodyLimitFilter;
import dev.tether.web.CorsFilter;
import dev.tether.web.FailureMapper;
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
