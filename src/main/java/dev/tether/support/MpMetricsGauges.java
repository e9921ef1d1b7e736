package dev.tether.support;

import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.inject.Inject;
import java.util.function.LongConsumer;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryType;

/**
 * Registers gauges and counters with MicroProfile Metrics' application registry. Deliberately not a bean (no bean-defining
 * annotation) and referenced by no injection point: {@link Metrics} loads it only after seeing the MP Metrics API,
 * so a server without it (WildFly 39) never loads this class. It is injected as an unmanaged instance because
 * servers' registry producers need a real injection point (Payara's fails with
 * {@code CDI.current().select(MetricRegistry.class)}).
 */
public class MpMetricsGauges {

    private static MetricRegistry registry;

    @Inject
    @RegistryType(type = MetricRegistry.Type.APPLICATION)
    MetricRegistry injected;

    static synchronized void register(Metrics.Gauge gauge) {
        Tag[] tags = gauge.tags().entrySet().stream().map(t -> new Tag(t.getKey(), t.getValue())).toArray(Tag[]::new);
        registry().gauge(Metadata.builder().withName(gauge.name()).withDescription(gauge.description()).build(),
                gauge.value(), tags);
    }

    /** Registers a counter; what it returns adds to it. */
    static synchronized LongConsumer counter(String name, String description) {
        Counter counter = registry().counter(Metadata.builder().withName(name).withDescription(description).build());
        return counter::inc;
    }

    private static MetricRegistry registry() {
        if (registry == null) {
            // the registry is the server's application-scoped one: nothing of this instance needs to stay
            registry = new Unmanaged<>(MpMetricsGauges.class).newInstance().produce().inject().get().injected;
        }
        return registry;
    }
}
