package dev.tether.redis;

import jakarta.enterprise.inject.spi.CDI;
import java.util.Map;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Registers {@link RedisMetrics}' gauges with MicroProfile Metrics' application registry. Deliberately not a CDI
 * bean and referenced by no injection point: it is loaded only after {@link RedisMetrics} has seen the MP Metrics
 * API, so a server without it (WildFly 39) never tries to load this class.
 */
final class MpMetricsGauges {

    private MpMetricsGauges() {
    }

    static void register(Map<String, RedisMetrics.Gauge> gauges) {
        // the unqualified MetricRegistry is the application registry (MP Metrics 5)
        MetricRegistry registry = CDI.current().select(MetricRegistry.class).get();
        for (RedisMetrics.Gauge g : gauges.values()) {
            registry.gauge(Metadata.builder().withName(g.name()).withDescription(g.description()).build(), g.value());
        }
    }
}
