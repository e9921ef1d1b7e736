package dev.tether.support;

import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGeneratorFactory;
import java.util.Map;

/**
 * JSON-P factories, made once. {@code Json.createGenerator(…)} and friends look the provider up through the
 * ServiceLoader on every call, which scans the class path: measured at several milliseconds of CPU per request.
 */
public final class Jsonp {

    public static final JsonProvider PROVIDER = JsonProvider.provider();
    public static final JsonGeneratorFactory GENERATORS = PROVIDER.createGeneratorFactory(Map.of());
    public static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());

    private Jsonp() {
    }
}
