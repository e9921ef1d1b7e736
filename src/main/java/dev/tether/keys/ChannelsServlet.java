package dev.tether.keys;

import dev.tether.gateway.Access;
import dev.tether.gateway.Command;
import dev.tether.gateway.CommandPolicy;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.Failures;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.gateway.http.RequestPaths;
import dev.tether.gateway.http.Json;
import dev.tether.gateway.http.TokenAuth;
import dev.tether.gateway.http.EventStream;
import dev.tether.pubsub.PubSub;
import dev.tether.pubsub.Topic;
import dev.tether.support.Workers;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pub/sub under {@code /api}: {@code GET /api/channels/{channel}/events} (Server-Sent Events, {@link ChannelEvents},
 * on the shared {@link PubSub} core, written without a thread per stream) and
 * {@code POST /api/channels/{channel}/messages} (PUBLISH of the body). A servlet rather than JAX-RS, to reuse the
 * non-blocking SSE writer; it is mapped more specifically than the JAX-RS application's {@code /api/*}.
 */
@WebServlet(urlPatterns = "/api/channels/*", asyncSupported = true, loadOnStartup = 1)
public class ChannelsServlet extends HttpServlet {

    @Inject
    PubSub pubsub;

    @Inject
    TokenAuth auth;

    @Inject
    CommandPolicy policy;

    @Inject
    KeyStore store;

    @Inject
    HttpLimits limits;

    @Inject
    Workers workers;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String rest = RequestPaths.rest(request);
            if (rest.endsWith("/events")) {
                events(request, response, channel(rest, "/events"));
            } else if (rest.endsWith("/messages")) {
                publish(request, response, channel(rest, "/messages"));
            } else {
                throw new HttpError(404, "no such resource: use /api/channels/{channel}/events or /messages");
            }
        } catch (RuntimeException e) {
            Failures.send(response, e);
        }
    }

    private void publish(HttpServletRequest request, HttpServletResponse response, String channel) throws IOException {
        if (!request.getMethod().equals("POST")) {
            response.setHeader("Allow", "POST");
            throw new HttpError(405, request.getMethod() + " is not allowed here: POST a message");
        }
        Access access = access(request);
        byte[] body = Bodies.read(request.getInputStream(), request.getHeader("Content-Length"), limits.maxBody());
        long receivers = KeyStore.integer(store.run(access, new Command("PUBLISH",
                List.of(channel.getBytes(StandardCharsets.UTF_8), body))));
        Json.send(response, 200, Texts.json(g -> g.writeStartObject().write("channel", channel)
                .write("receivers", receivers).writeEnd()));
    }

    private void events(HttpServletRequest request, HttpServletResponse response, String channel) throws IOException {
        if (!request.getMethod().equals("GET")) {
            response.setHeader("Allow", "GET");
            throw new HttpError(405, request.getMethod() + " is not allowed here: GET the event stream");
        }
        access(request); // the read-only token may subscribe
        policy.permit("SUBSCRIBE");
        if (!EventStream.accepted(request.getHeader("Accept"))) {
            throw new HttpError(406, "this route answers Server-Sent Events: send Accept: text/event-stream");
        }
        EventStream.serve(request, response, pubsub, List.of(Topic.channel(channel)), ChannelEvents.INSTANCE,
                EventStream.SSE, workers);
    }

    private Access access(HttpServletRequest request) {
        String token = null;
        String query = request.getQueryString();
        if (query != null) { // not getParameter: it would read a form body
            for (String pair : query.split("&")) {
                if (pair.startsWith("_token=")) {
                    token = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                }
            }
        }
        return auth.check(request.getHeader("Authorization"), token, request.getRemoteAddr());
    }

    /** The channel name: the raw path between /api/channels/ and the suffix, percent-decoded ("/" may be %2F). */
    private static String channel(String rest, String suffix) {
        String raw = rest.substring(0, rest.length() - suffix.length());
        String name;
        try {
            name = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw GatewayException.bad("malformed percent-encoding in the channel name");
        }
        if (name.isEmpty()) {
            throw GatewayException.bad("no channel: use /api/channels/{channel}" + suffix);
        }
        return name;
    }

}
