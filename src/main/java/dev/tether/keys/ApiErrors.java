package dev.tether.keys;

import dev.tether.gateway.http.ErrorBody;
import dev.tether.gateway.http.Failures;
import dev.tether.gateway.http.TokenAuth;
import dev.tether.redis.RedisUnavailableException;
import dev.tether.support.Errors;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure of {@code /api} as the gateway's JSON error ({@code {"error":"…"}}) with the gateway's statuses. */
@Provider
public class ApiErrors implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        if (t instanceof WebApplicationException w) {
            Response original = w.getResponse();
            int status = original.getStatus();
            if (status == 304) {
                return original;
            }
            String message = switch (status) {
                case 404 -> "no such resource: see /openapi for the routes";
                case 405 -> "method not allowed here" + (original.getAllowedMethods().isEmpty() ? ""
                        : "; allowed: " + String.join(", ", original.getAllowedMethods()));
                case 406 -> "no representation for the Accept header: this route answers application/json";
                case 415 -> "unsupported Content-Type: send text/plain, application/octet-stream or application/json";
                default -> w.getMessage();
            };
            Response.ResponseBuilder b = json(status, message);
            original.getHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                    values.forEach(v -> b.header(name, v));
                }
            });
            return b.build();
        }
        int status = t instanceof KeyStore.PreconditionFailed ? 412 : Failures.status(t);
        String message = t.getMessage();
        Response.ResponseBuilder b;
        if (status == 500) {
            LOG.log(Level.SEVERE, "unexpected failure on /api", t);
            message = "internal error: " + t.getClass().getSimpleName();
        }
        b = json(status, message);
        if (t instanceof TokenAuth.Unauthorized) {
            b.header("WWW-Authenticate", "Bearer");
        } else if (t instanceof RedisUnavailableException u) {
            b.header("Retry-After", Integer.toString(u.retryAfterSeconds()));
        } else if (t instanceof KeyStore.PreconditionFailed p && p.etag() != null) {
            b.header("ETag", p.etag());
        }
        return b.build();
    }

    static Response.ResponseBuilder json(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.json(message == null ? "" : message));
    }
}
