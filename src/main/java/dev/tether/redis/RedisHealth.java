package dev.tether.redis;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while Redis answers PING; the detail says why not. */
@Readiness
@ApplicationScoped
public class RedisHealth implements HealthCheck {

    @Inject
    RedisMonitor monitor;

    @Override
    public HealthCheckResponse call() {
        RedisMonitor.Status status = monitor.status();
        return HealthCheckResponse.named("redis")
                .status(status.up())
                .withData("detail", status.detail())
                .withData("checkedAt", status.checkedAt())
                .build();
    }
}
