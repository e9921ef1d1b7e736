package dev.tether.gateway.http;

import dev.tether.support.Jsonp;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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

    public static Response response(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(json(message)).build();
    }
}
