package dev.tether.support;

import org.eclipse.microprofile.config.Config;

/** Numeric settings with their bounds checked at deployment, so a bad value fails the start, not a request. */
public final class ConfigValues {

    private ConfigValues() {
    }

    public static int positive(Config config, String name, int defaultValue) {
        return Math.toIntExact(positiveLong(config, name, defaultValue));
    }

    public static int nonNegative(Config config, String name, int defaultValue) {
        return Math.toIntExact(nonNegativeLong(config, name, defaultValue));
    }

    public static long positiveLong(Config config, String name, long defaultValue) {
        long value = config.getOptionalValue(name, Long.class).orElse(defaultValue);
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    public static long nonNegativeLong(Config config, String name, long defaultValue) {
        long value = config.getOptionalValue(name, Long.class).orElse(defaultValue);
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }
}
