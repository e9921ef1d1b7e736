package dev.tether.gateway.upstash;

import dev.tether.gateway.Access;
import dev.tether.gateway.Command;
import dev.tether.gateway.CommandEngine;
import dev.tether.gateway.Reply;
import dev.tether.web.BodyLimit;
import dev.tether.web.HttpLimits;
import dev.tether.web.Failures;
import dev.tether.web.TokenAuth;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;


/**
 * The Upstash REST protocol at /redis: what {@code @upstash/redis} and the other Upstash SDKs send.
 * Thin: it parses, authenticates, and hands the command to the engine without waiting on Redis.
 */
@Path("")
@RequestScoped
public class UpstashResource {

    @Inject
    CommandEngine engine;

    @Inject
    TokenAuth auth;

    @Inject
    HttpLimits limits;

    @Context
    HttpHeaders headers;

    @Context
    HttpServletRequest request;

    @POST
    public CompletionStage<Response> command(InputStream body) {
        return answer(() -> {
            Access access = access();
            Command command = UpstashRequests.command(read(body));
            boolean base64 = base64();
            return engine.execute(command, access).thenApply(reply -> single(reply, base64));
        });
    }

    @POST
    @Path("pipeline")
    public CompletionStage<Response> pipeline(InputStream body) {
        return answer(() -> {
            Access access = access();
            List<Command> commands = UpstashRequests.commands(read(body));
            boolean base64 = base64();
            return engine.pipeline(commands, access).thenApply(replies -> slots(replies, base64));
        });
    }

    @POST
    @Path("multi-exec")
    public CompletionStage<Response> transaction(InputStream body) {
        return answer(() -> {
            Access access = access();
            List<Command> commands = UpstashRequests.commands(read(body));
            boolean base64 = base64();
            return engine.transaction(commands, access).thenApply(replies -> slots(replies, base64));
        });
    }

    @GET
    @Path("{path: .+}")
    public CompletionStage<Response> pathGet(@Encoded @PathParam("path") String path) {
        return pathStyle(path, null);
    }

    @POST
    @Path("{path: .+}")
    public CompletionStage<Response> pathPost(@Encoded @PathParam("path") String path, InputStream body) {
        return pathStyle(path, body);
    }

    private CompletionStage<Response> pathStyle(String path, InputStream body) {
        return answer(() -> {
            Access access = access();
            Command command = UpstashRequests.path(path, request.getQueryString(), body == null ? null : read(body));
            boolean base64 = base64();
            return engine.execute(command, access).thenApply(reply -> single(reply, base64));
        });
    }

    private Access access() {
        return auth.check(headers.getHeaderString(HttpHeaders.AUTHORIZATION), UpstashRequests.queryToken(request.getQueryString()),
                request.getRemoteAddr());
    }

    private boolean base64() {
        return UpstashRequests.base64(headers.getHeaderString("Upstash-Encoding"));
    }

    private byte[] read(InputStream body) {
        return BodyLimit.read(body, limits.maxBody());
    }

    private static Response single(Reply reply, boolean base64) {
        int status = reply instanceof Reply.Error ? 400 : 200;
        return json(status, UpstashJson.single(reply, base64));
    }

    private static Response slots(List<Reply> replies, boolean base64) {
        return json(200, UpstashJson.slots(replies, base64));
    }

    private static Response json(int status, byte[] body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** Runs the handler; whatever fails, synchronously or later, becomes the right status with a JSON error. */
    private static CompletionStage<Response> answer(java.util.function.Supplier<CompletionStage<Response>> handler) {
        CompletionStage<Response> stage;
        try {
            stage = handler.get();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failures.toResponse(e));
        }
        return stage.exceptionally(Failures::toResponse);
    }

}
