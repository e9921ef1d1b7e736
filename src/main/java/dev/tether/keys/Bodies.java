package dev.tether.keys;

import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.BodyLimit;
import dev.tether.support.Jsonp;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/** Request bodies of {@code /api}: read within {@code tether.http.max-body} (413 beyond), JSON or raw bytes. */
final class Bodies {

    private Bodies() {
    }

    static byte[] read(InputStream in, String contentLength, long max) {
        long declared = -1;
        if (contentLength != null) {
            try {
                declared = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw GatewayException.bad("malformed Content-Length");
            }
        }
        try {
            return BodyLimit.read(in, declared, max).copy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json");
    }

    static JsonValue json(byte[] body) {
        if (body.length == 0) {
            throw GatewayException.bad("the body is empty: send a JSON value");
        }
        try (JsonReader reader = Jsonp.READERS.createReader(new ByteArrayInputStream(body))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw GatewayException.bad("malformed JSON: " + e.getMessage());
        }
    }

    /** A scalar body: the raw bytes, or for JSON a string (or a number's text). */
    static byte[] scalar(byte[] body, String contentType, String what) {
        return isJson(contentType) ? TypedValues.bytes(json(body), false, what) : body;
    }
}
