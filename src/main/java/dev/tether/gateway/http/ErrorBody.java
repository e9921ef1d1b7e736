package dev.tether.gateway.http;

import dev.tether.support.Jsonp;

/** The JSON error every HTTP route answers with: {@code {"error":"…"}}, written with JSON-P. */
public final class ErrorBody {

    private ErrorBody() {
    }

    public static byte[] json(String message) {
        return Jsonp.error(message);
    }
}
