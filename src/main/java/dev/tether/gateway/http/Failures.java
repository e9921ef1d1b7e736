package dev.tether.gateway.http;

import dev.tether.gateway.GatewayException;
import dev.tether.redis.RedisUnavailableException;
import dev.tether.support.Errors;
import jakarta.json.JsonException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns any failure into the HTTP status and JSON error a client should see. Never a 500 for bad input. */
public final class Failures {

    private static final Logger LOG = Logger.getLogger(Failures.class.getName());

    private Failures() {
    }

    public static Response toResponse(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        if (t instanceof GatewayException g) {
            return ErrorBody.response(g.kind() == GatewayException.Kind.FORBIDDEN ? 403 : 400, g.getMessage());
        }
        if (t instanceof TokenAuth.Unauthorized) {
            return Response.fromResponse(ErrorBody.response(401, t.getMessage())).header("WWW-Authenticate", "Bearer").build();
        }
        if (t instanceof RedisUnavailableException u) {
            Response r = ErrorBody.response(503, u.getMessage());
            return Response.fromResponse(r).header("Retry-After", u.retryAfterSeconds()).build();
        }
        if (t instanceof WebApplicationException w) {
            Response original = w.getResponse();
            String message = w.getMessage() != null ? w.getMessage() : original.getStatusInfo().getReasonPhrase();
            Response.ResponseBuilder b = Response.fromResponse(ErrorBody.response(original.getStatus(), message));
            original.getStringHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                    values.forEach(v -> b.header(name, v));
                }
            });
            return b.build();
        }
        if (t instanceof JsonException) {
            return ErrorBody.response(400, "malformed JSON: " + t.getMessage());
        }
        LOG.log(Level.SEVERE, "unexpected failure", t);
        return ErrorBody.response(500, "internal error: " + t.getClass().getSimpleName());
    }
}
