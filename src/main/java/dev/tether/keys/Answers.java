package dev.tether.keys;

import dev.tether.gateway.http.HttpError;
import dev.tether.redis.Reply;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.function.Consumer;

/** Response shapes the type resources share: a page with its next link, and 404s from Redis's counts. */
final class Answers {

    private Answers() {
    }

    /**
     * A JSON object written by {@code body}, then the paging parameter's next value (null at the end) and the
     * {@code next} link (also as a Link header).
     */
    static Response page(UriInfo uri, String parameter, Object nextValue, Consumer<JsonGenerator> body) {
        String next = nextValue == null ? null
                : uri.getRequestUriBuilder().replaceQueryParam(parameter, nextValue).build().toString();
        byte[] json = Texts.json(g -> {
            g.writeStartObject();
            body.accept(g);
            if (parameter.equals("cursor")) {
                if (nextValue == null) {
                    g.writeNull("cursor");
                } else {
                    g.write("cursor", nextValue.toString());
                }
            }
            if (next == null) {
                g.writeNull("next");
            } else {
                g.write("next", next);
            }
            g.writeEnd();
        });
        Response.ResponseBuilder b = Response.ok(json);
        if (next != null) {
            b.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return b.build();
    }

    /** 404 unless EXISTS answered 1. */
    static void exists(Reply exists, String key) {
        if (KeyStore.integer(exists) == 0) {
            throw new HttpError(404, "no such key: " + key);
        }
    }

    /** 404 when a removal (HDEL, SREM, ZREM, XDEL) removed nothing. */
    static void removed(Reply count, String what, String key) {
        if (KeyStore.integer(count) == 0) {
            throw new HttpError(404, "no " + what + " in " + key);
        }
    }
}
