package dev.tether.gateway.http;

import dev.tether.gateway.GatewayException;
import dev.tether.redis.RedisErrors;
import dev.tether.redis.RedisUnavailableException;
import dev.tether.support.Errors;
import jakarta.json.JsonException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that turns an outcome into the HTTP status and JSON error a client sees. Never a 500 for what a
 * client sent.
 */
public final class Failures {

    private static final Logger LOG = Logger.getLogger(Failures.class.getName());

    private Failures() {
    }

    /**
     * The failure as the rest of this class sees it: future wrappers removed, and Redisson's own failures (a
     * connection or subscription Redis did not confirm) turned into Redis being unavailable (503), never a 500.
     */
    public static Throwable classify(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        return t.getClass().getName().startsWith("org.redisson.") ? RedisErrors.unavailable(t) : t;
    }

    /** The status for a failure (after unwrapping future wrappers). */
    public static int status(Throwable t) {
        if (t instanceof GatewayException g) {
            return g.kind() == GatewayException.Kind.FORBIDDEN ? 403 : 400;
        }
        if (t instanceof TokenAuth.Unauthorized) {
            return 401;
        }
        if (t instanceof RedisUnavailableException) {
            return 503;
        }
        if (t instanceof HttpError h) {
            return h.status();
        }
        if (t instanceof JsonException) {
            return 400;
        }
        return 500;
    }

    /** Answers the failure: its status, {@code {"error":"…"}}, and the headers its status calls for. */
    public static void send(HttpServletResponse response, Throwable failure) throws IOException {
        Throwable t = classify(failure);
        int status = status(t);
        String message = t.getMessage();
        if (t instanceof TokenAuth.Unauthorized) {
            response.setHeader("WWW-Authenticate", "Bearer");
        } else if (t instanceof RedisUnavailableException u) {
            response.setHeader("Retry-After", Integer.toString(u.retryAfterSeconds()));
        } else if (t instanceof JsonException) {
            message = "malformed JSON: " + t.getMessage();
        } else if (status == 500) {
            LOG.log(Level.SEVERE, "unexpected failure", t);
            message = "internal error: " + t.getClass().getSimpleName();
        }
        if (t instanceof GatewayException g) {
            Json.send(response, status, ErrorBody.json(g.reply())); // ERR in front, unless worded as Redis words it
            return;
        }
        send(response, status, message == null ? t.getClass().getSimpleName() : message);
    }

    /** Answers {@code status} with Tether's own error {@code message}. */
    public static void send(HttpServletResponse response, int status, String message) throws IOException {
        // Redis's generic prefix, so that every {"error"} a client sees starts with an error code
        Json.send(response, status, ErrorBody.json("ERR " + message));
    }
}
