package dev.tether.gateway.webdis;

import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.Failures;
import dev.tether.gateway.http.TokenAuth;
import dev.tether.redis.RedisUnavailableException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The one place mapping a Webdis request's outcome to its status, as Webdis answers: a Redis error reply is 200
 * ({@code [false,"ERR …"]}, done by the formats); a command the policy or ACL refuses, or one that would change
 * the shared connection's state (MULTI, SELECT), 403; bad input 400; missing or wrong credentials 401 (with a Basic
 * challenge, as Webdis's clients send Basic credentials); Redis unreachable 503; an unknown verb 405; a body over
 * the limit 413. Webdis sends these with an empty body; Tether adds {@code {"error":"…"}} naming the problem.
 */
final class WebdisFailures {

    private WebdisFailures() {
    }

    static int status(Throwable t) {
        if (t instanceof GatewayException) {
            return 403;
        }
        return t instanceof IllegalArgumentException ? 400 : Failures.status(t); // pub/sub's bounds and bad frames
    }

    static void send(HttpServletResponse response, Throwable failure) throws IOException {
        Throwable t = Failures.classify(failure);
        if (t instanceof TokenAuth.Unauthorized) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"tether\"");
        } else if (t instanceof RedisUnavailableException u) {
            response.setHeader("Retry-After", Integer.toString(u.retryAfterSeconds()));
        }
        int status = status(t);
        if (status == 500) {
            Failures.send(response, t); // logs it
            return;
        }
        Failures.send(response, status, t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    /** The status a failure would get over HTTP, for the WebSocket's error frames ({@code http_status}). */
    static int statusOf(Throwable failure) {
        return status(Failures.classify(failure));
    }

    /** The message of a failure, for the WebSocket's error frames. */
    static String message(Throwable failure) {
        Throwable t = Failures.classify(failure);
        return status(t) == 500 ? "internal error" : String.valueOf(t.getMessage());
    }
}
