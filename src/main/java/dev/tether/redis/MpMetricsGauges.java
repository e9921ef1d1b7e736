package dev.tether.redis;

import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryType;

/**
 * Registers {@link RedisMetrics}' gauges with MicroProfile Metrics' application registry. Deliberately not a bean
 * (no bean-defining annotation) and referenced by no injection point: {@link RedisMetrics} loads it only after
 * seeing the MP Metrics API, so a server without it (WildFly 39) never loads this class. It is injected as an
 * unmanaged instance because servers' registry producers need a real injection point (Payara's fails with
 * {@code CDI.current().select(MetricRegistry.class)}).
 */
public class MpMetricsGauges {

    @Inject
    @RegistryType(type = MetricRegistry.Type.APPLICATION)
    MetricRegistry registry;

    static void register(Map<String, RedisMetrics.Gauge> gauges) {
        Unmanaged.UnmanagedInstance<MpMetricsGauges> instance = new Unmanaged<>(MpMetricsGauges.class).newInstance();
        MetricRegistry registry = instance.produce().inject().get().registry;
        for (RedisMetrics.Gauge g : gauges.values()) {
            registry.gauge(Metadata.builder().withName(g.name()).withDescription(g.description()).build(), g.value());
        }
        // the registry is the server's application-scoped one: nothing of this instance needs to stay
    }
}
