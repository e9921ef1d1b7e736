package dev.tether.gateway.upstash;

import dev.tether.gateway.Access;
import dev.tether.gateway.Command;
import dev.tether.gateway.CommandEngine;
import dev.tether.gateway.http.BodyLimit;
import dev.tether.gateway.http.Cors;
import dev.tether.gateway.http.Failures;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.gateway.http.Json;
import dev.tether.gateway.http.TokenAuth;
import dev.tether.redis.Reply;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Upstash REST protocol at /redis: what {@code @upstash/redis} and the other Upstash SDKs send. Thin: it
 * authenticates, parses, runs the command through the engine and writes the reply.
 *
 * <p>Why a plain servlet that waits for Redis on the request thread (measured on 2 cores, wrk -c32, one run, see
 * NOTE and bench/): JAX-RS on Payara Micro answers at most 6–10k req/s with a constant body (its per-request
 * resource and filter machinery), a servlet 18–22k; and a servlet that waits served more than one completed
 * through AsyncContext, whose completion costs a hand-off and a lock per request. One thread per request does
 * parse, send, wait and write; Redisson's Netty thread only decodes the reply and wakes it.
 */
@WebServlet(urlPatterns = {"/redis", "/redis/*"}, loadOnStartup = 1)
public class UpstashServlet extends HttpServlet {

    private static final String NODE = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicLong SYNC = new AtomicLong();

    @Inject
    CommandEngine engine;

    @Inject
    TokenAuth auth;

    @Inject
    HttpLimits limits;

    @Inject
    Cors cors;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // the SDKs track a token that changes on every response
        response.setHeader("upstash-sync-token", NODE + "-" + SYNC.incrementAndGet());
        try {
            if (!cors.answered(request, response)) {
                answer(request, response);
            }
        } catch (RuntimeException e) {
            Failures.send(response, e);
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = path(request);
        if (path.equals("/")) {
            path = "";
        }
        boolean post = method.equals("POST");
        boolean route = path.isEmpty() || path.equals("/pipeline") || path.equals("/multi-exec");
        if (!post && !(method.equals("GET") && !route)) {
            response.setHeader("Allow", route ? "POST, OPTIONS" : "GET, POST, OPTIONS");
            throw new HttpError(405, notAllowed(method, path));
        }
        String query = request.getQueryString();
        Access access = auth.check(request.getHeader("Authorization"), UpstashRequests.queryToken(query),
                request.getRemoteAddr());
        boolean base64 = UpstashRequests.base64(request.getHeader("Upstash-Encoding"));
        if (path.equals("/pipeline") || path.equals("/multi-exec")) {
            List<Command> commands = UpstashRequests.commands(body(request));
            List<Reply> replies = (path.equals("/pipeline") ? engine.pipeline(commands, access)
                    : engine.transaction(commands, access)).toCompletableFuture().join();
            UpstashJson.Out out = UpstashJson.slots(replies, base64);
            Json.send(response, 200, out.bytes(), out.length());
            return;
        }
        Command command = path.isEmpty() ? UpstashRequests.command(body(request))
                : UpstashRequests.path(path, query, post ? body(request).copy() : null);
        Reply reply = engine.execute(command, access).toCompletableFuture().join();
        UpstashJson.Out out = UpstashJson.single(reply, base64);
        Json.send(response, reply instanceof Reply.Error ? 400 : 200, out.bytes(), out.length());
    }

    private static String notAllowed(String method, String path) {
        if (path.isEmpty()) {
            return method + " /redis is not allowed: POST a command as a JSON array, e.g. [\"GET\",\"key\"], "
                    + "or GET /redis/<command>/<argument>/…";
        }
        if (path.equals("/pipeline") || path.equals("/multi-exec")) {
            return method + " /redis" + path + " is not allowed: POST a JSON array of commands, e.g. [[\"INCR\",\"n\"]]";
        }
        return method + " is not allowed here: use GET or POST";
    }

    private BodyLimit.Body body(HttpServletRequest request) throws IOException {
        return BodyLimit.read(request.getInputStream(), request.getContentLengthLong(), limits.maxBody());
    }

    /** The raw (still percent-encoded) path after /redis, "" for /redis itself. */
    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        int start = request.getContextPath().length() + "/redis".length();
        return start >= uri.length() ? "" : uri.substring(start);
    }
}
