package dev.tether.keys;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * JAX-RS for {@code /api} only: the Upstash servlets keep {@code /redis} as plain servlets (JAX-RS costs them
 * half their speed, see the gateway's notes).
 */
@ApplicationPath("/api")
@OpenAPIDefinition(
        info = @Info(title = "Tether", version = "1",
                description = "Redis over HTTP: typed REST resources under /api, the Upstash REST protocol under "
                        + "/redis, health. With no token configured only loopback callers are served."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "tether.token (everything) or tether.readonly-token (GET and HEAD only)")
public class KeysApplication extends Application {
}
