package dev.tether.keys;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * JAX-RS for {@code /api} only: the Upstash servlets keep {@code /redis} as plain servlets (JAX-RS costs them
 * half their speed, see the gateway's notes). The document's info and security scheme are in
 * {@code META-INF/openapi.yaml}, the one source both servers merge with the resources' annotations.
 */
@ApplicationPath("/api")
public class KeysApplication extends Application {
}
