package dev.tether.gateway.webdis;

import dev.tether.gateway.CommandEngine;
import dev.tether.gateway.CommandPolicy;
import dev.tether.gateway.http.BodyLimit;
import dev.tether.gateway.http.Cors;
import dev.tether.gateway.http.EventStream;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.pubsub.PubSub;
import dev.tether.pubsub.Topic;
import dev.tether.redis.Reply;
import dev.tether.support.Workers;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Webdis's HTTP interface at {@code /webdis/*}: {@code GET /webdis/CMD/a/b.ext}, {@code POST /webdis/} with the
 * command text as body, {@code PUT /webdis/CMD/a} with the body as last argument, and chunked
 * {@code SUBSCRIBE}/{@code PSUBSCRIBE}. Thin, like the Upstash servlet it follows (waits for Redis on the request
 * thread, see UpstashServlet for why): authenticate, parse, check the ACL, run through the engine, format, ETag.
 */
@WebServlet(urlPatterns = {"/webdis", "/webdis/*"}, asyncSupported = true, loadOnStartup = 1)
public class WebdisServlet extends HttpServlet {

    @Inject
    CommandEngine engine;

    @Inject
    CommandPolicy policy;

    @Inject
    WebdisAuth auth;

    @Inject
    HttpLimits limits;

    @Inject
    Cors cors;

    @Inject
    PubSub pubsub;

    @Inject
    Workers workers;

    @Inject
    WebdisSettings settings;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!cors.answered(request, response)) {
                answer(request, response);
            }
        } catch (RuntimeException e) {
            WebdisFailures.send(response, e);
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (method.equals("OPTIONS")) {
            response.setHeader("Allow", "GET,POST,PUT,OPTIONS");
            response.setStatus(200); // as Webdis: an empty answer
            response.setContentLength(0);
            return;
        }
        boolean post = method.equals("POST");
        boolean put = method.equals("PUT");
        if (!post && !put && !method.equals("GET")) {
            response.setHeader("Allow", "GET,POST,PUT,OPTIONS");
            throw new HttpError(405, method + " is not allowed: use GET, POST or PUT");
        }
        WebdisAuth.Caller caller = auth.check(request.getHeader("Authorization"), request.getRemoteAddr());
        String text = rawPath(request);
        byte[] lastArg = null;
        if (post || put) {
            BodyLimit.Body body = BodyLimit.read(request.getInputStream(), request.getContentLengthLong(), limits.maxBody());
            if (put) {
                lastArg = body.copy();
            } else if (body.length() > 0) {
                text = new String(body.bytes(), 0, body.length(), StandardCharsets.UTF_8); // Webdis: the body wins
            }
        }
        WebdisRequest parsed = WebdisRequests.parse(text, request.getQueryString(), lastArg, settings.maxArgs());
        auth.permit(caller, parsed.command().name());
        if (parsed.subscribe()) {
            subscribe(parsed, request, response);
            return;
        }
        Reply reply = (parsed.db() < 0 ? engine.execute(parsed.command(), caller.access())
                : engine.executeInDatabase(parsed.command(), parsed.db(), caller.access())).toCompletableFuture().join();
        WebdisFormat.Rendered out = parsed.format().render(parsed, reply);
        send(request, response, out);
    }

    static void send(HttpServletRequest request, HttpServletResponse response, WebdisFormat.Rendered out)
            throws IOException {
        if (out.status() == 200) {
            String etag = ETags.of(out.body());
            response.setHeader("ETag", etag);
            if (etag.equals(request.getHeader("If-None-Match"))) {
                response.setStatus(304);
                return;
            }
        }
        response.setStatus(out.status());
        if (out.contentType() != null) {
            response.setContentType(out.contentType());
        }
        response.setContentLength(out.body().length);
        response.getOutputStream().write(out.body());
    }

    private void subscribe(WebdisRequest parsed, HttpServletRequest request, HttpServletResponse response) {
        boolean pattern = parsed.command().name().equals("PSUBSCRIBE");
        policy.permit(parsed.command().name());
        if (parsed.db() >= 0) {
            throw new HttpError(400, "pub/sub channels are not per database: leave out the /" + parsed.db() + "/ prefix");
        }
        List<Topic> topics = new ArrayList<>(parsed.command().args().size());
        for (byte[] name : parsed.command().args()) {
            String text = new String(name, StandardCharsets.UTF_8);
            topics.add(pattern ? Topic.pattern(text) : Topic.channel(text));
        }
        if (topics.isEmpty()) {
            throw new HttpError(400, "no channel: use /webdis/" + parsed.name() + "/<channel>");
        }
        boolean raw = parsed.format() == WebdisFormat.RAW;
        String type = raw ? "binary/octet-stream"
                : parsed.format() == WebdisFormat.JSON && parsed.type() != null ? parsed.type() : "application/json";
        EventStream.Dialect dialect = new EventStream.Dialect(type, true,
                WebdisFailures::send); // one chunk per message, as Webdis's Comet clients expect
        EventStream.serve(request, response, pubsub, topics, WebdisEvents.of(parsed.name(), parsed.jsonp(), raw),
                dialect, workers);
    }

    /** The raw (still percent-encoded) path after /webdis. */
    private static String rawPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        int start = request.getContextPath().length() + "/webdis".length();
        return start >= uri.length() ? "" : uri.substring(start);
    }
}
