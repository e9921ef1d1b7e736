package dev.tether.support;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * Settings read the same way everywhere: numbers with their bounds checked at deployment (so a bad value fails the
 * start, not a request), and comma-separated lists.
 */
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

    /** The items of a comma-separated setting, trimmed, empty ones dropped. */
    public static List<String> items(String commaList) {
        return Arrays.stream(commaList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The distinct items of a comma-separated setting, each passed through {@code normalize}. */
    public static Set<String> items(String commaList, UnaryOperator<String> normalize) {
        return items(commaList).stream().map(normalize).collect(Collectors.toUnmodifiableSet());
    }

    public static long nonNegativeLong(Config config, String name, long defaultValue) {
        long value = config.getOptionalValue(name, Long.class).orElse(defaultValue);
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }
}
