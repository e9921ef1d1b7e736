package dev.tether.gateway.http;

import dev.tether.support.Jsonp;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;

/** The JSON error every HTTP route answers with: {@code {"error":"…"}}, written with JSON-P. */
public final class ErrorBody {

    private ErrorBody() {
    }

    public static byte[] json(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
        try (JsonGenerator g = Jsonp.GENERATORS.createGenerator(out)) {
            g.writeStartObject().write("error", message).writeEnd();
        }
        return out.toByteArray();
    }
}
