package dev.tether.support;

import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.ByteArrayOutputStream;
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

    /** {@code {"error":"…"}}: the error body of every HTTP route and handshake. */
    public static byte[] error(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
        try (JsonGenerator g = GENERATORS.createGenerator(out)) {
            g.writeStartObject().write("error", message).writeEnd();
        }
        return out.toByteArray();
    }
}
