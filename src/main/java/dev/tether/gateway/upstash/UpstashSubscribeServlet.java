package dev.tether.gateway.upstash;

import dev.tether.gateway.CommandPolicy;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.BodyLimit;
import dev.tether.gateway.http.Cors;
import dev.tether.gateway.http.EventStream;
import dev.tether.gateway.http.Failures;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.gateway.http.RequestPaths;
import dev.tether.gateway.http.TokenAuth;
import dev.tether.pubsub.PubSub;
import dev.tether.pubsub.Topic;
import dev.tether.support.Jsonp;
import dev.tether.support.Workers;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstash pub/sub: {@code POST /redis/subscribe/<channel>} and {@code /redis/psubscribe/<pattern>} (and
 * {@code /redis/ssubscribe/<channel>} for sharded pub/sub, Tether's own addition) answer a
 * Server-Sent Events stream ({@link UpstashEvents}). The whole rest of the path is the name (the SDK does not
 * encode it; percent-escapes are decoded); more names may follow in the JSON body (the SDK sends {@code []}). GET
 * works too, for EventSource. Auth, CORS, policy and every refusal happen before the stream starts, as JSON
 * errors; the stream itself holds no thread ({@link EventStream}).
 */
@WebServlet(urlPatterns = {"/redis/subscribe/*", "/redis/psubscribe/*", "/redis/ssubscribe/*"}, asyncSupported = true,
        loadOnStartup = 1)
public class UpstashSubscribeServlet extends HttpServlet {

    @Inject
    PubSub pubsub;

    @Inject
    TokenAuth auth;

    @Inject
    CommandPolicy policy;

    @Inject
    HttpLimits limits;

    @Inject
    Cors cors;

    @Inject
    Workers workers;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!cors.answered(request, response)) {
                subscribe(request, response);
            }
        } catch (RuntimeException e) {
            Failures.send(response, e);
        }
    }

    private void subscribe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!method.equals("POST") && !method.equals("GET")) {
            response.setHeader("Allow", "GET, POST, OPTIONS");
            throw new HttpError(405, method + " is not allowed here");
        }
        auth.check(request.getHeader("Authorization"), UpstashRequests.queryToken(request.getQueryString()),
                request.getRemoteAddr()); // the read-only token may subscribe too
        boolean pattern = request.getServletPath().endsWith("/psubscribe");
        boolean sharded = request.getServletPath().endsWith("/ssubscribe");
        policy.permit(pattern ? "PSUBSCRIBE" : sharded ? "SSUBSCRIBE" : "SUBSCRIBE");
        if (!EventStream.accepted(request.getHeader("Accept"))) {
            throw new HttpError(406, "this route answers Server-Sent Events: send Accept: text/event-stream");
        }
        List<Topic> topics = topics(pattern, sharded, request.getPathInfo() == null ? "" : RequestPaths.rest(request),
                method.equals("POST") ? BodyLimit.read(request.getInputStream(), request.getContentLengthLong(),
                        limits.maxBody()) : null);

        EventStream.serve(request, response, pubsub, topics, UpstashEvents.INSTANCE, EventStream.SSE, workers);
    }

    /** The channels: the raw rest of the path (percent-decoded), then the JSON body's strings. */
    private static List<Topic> topics(boolean pattern, boolean sharded, String rest, BodyLimit.Body body) {
        List<Topic> topics = new ArrayList<>();
        if (!rest.isEmpty()) {
            String name = new String(UpstashRequests.percentDecode(rest), StandardCharsets.UTF_8);
            topics.add(pattern ? Topic.pattern(name) : sharded ? Topic.shard(name) : Topic.channel(name));
        }
        if (body != null && body.length() > 0) {
            JsonValue value;
            try (JsonReader reader = Jsonp.READERS.createReader(new ByteArrayInputStream(body.bytes(), 0, body.length()))) {
                value = reader.readValue();
            } catch (jakarta.json.JsonException e) {
                throw GatewayException.bad("malformed JSON: " + e.getMessage());
            }
            if (!(value instanceof JsonArray array)) {
                throw GatewayException.bad("the body must be a JSON array of " + (pattern ? "patterns" : "channels")
                        + ", e.g. [] or [\"news\"]");
            }
            for (JsonValue item : array) {
                if (!(item instanceof JsonString s)) {
                    throw GatewayException.bad("the body must hold strings only, got " + item.getValueType());
                }
                topics.add(pattern ? Topic.pattern(s.getString())
                        : sharded ? Topic.shard(s.getString()) : Topic.channel(s.getString()));
            }
        }
        if (topics.isEmpty()) {
            throw GatewayException.bad("no " + (pattern ? "pattern" : "channel") + ": use /redis/"
                    + (pattern ? "psubscribe/<pattern>" : "subscribe/<channel>"));
        }
        return topics;
    }

}
