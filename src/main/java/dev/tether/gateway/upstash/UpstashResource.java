package dev.tether.gateway.upstash;

import dev.tether.gateway.Access;
import dev.tether.gateway.CommandEngine;
import dev.tether.redis.Reply;
import dev.tether.gateway.http.BodyLimit;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.gateway.http.Failures;
import dev.tether.gateway.http.TokenAuth;
import dev.tether.support.Workers;
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
import java.util.function.BiFunction;
import java.util.function.Supplier;


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
    Workers workers;

    @Inject
    HttpLimits limits;

    @Context
    HttpHeaders headers;

    @Context
    HttpServletRequest request;

    @POST
    public CompletionStage<Response> command(InputStream body) {
        return answer(() -> UpstashRequests.command(read(body)), engine::execute, UpstashResource::single);
    }

    @POST
    @Path("pipeline")
    public CompletionStage<Response> pipeline(InputStream body) {
        return answer(() -> UpstashRequests.commands(read(body)), engine::pipeline, UpstashResource::slots);
    }

    @POST
    @Path("multi-exec")
    public CompletionStage<Response> transaction(InputStream body) {
        return answer(() -> UpstashRequests.commands(read(body)), engine::transaction, UpstashResource::slots);
    }

    @GET
    @Path("{path: .+}")
    public CompletionStage<Response> pathGet(@Encoded @PathParam("path") String path) {
        return answer(() -> UpstashRequests.path(path, request.getQueryString(), null), engine::execute,
                UpstashResource::single);
    }

    @POST
    @Path("{path: .+}")
    public CompletionStage<Response> pathPost(@Encoded @PathParam("path") String path, InputStream body) {
        return answer(() -> UpstashRequests.path(path, request.getQueryString(), read(body)), engine::execute,
                UpstashResource::single);
    }

    /**
     * Authenticates (before reading the body), parses, hands over to the engine and renders the reply; whatever
     * fails, now or later, becomes the right status with a JSON error.
     */
    private <T, R> CompletionStage<Response> answer(Supplier<T> parse, BiFunction<T, Access, CompletionStage<R>> run,
                                                   BiFunction<R, Boolean, Response> render) {
        try {
            Access access = access();
            T parsed = parse.get();
            boolean base64 = base64();
            // off Redisson's Netty threads: writing the response there could block them on the server's locks
            return run.apply(parsed, access).handleAsync((result, failure) -> failure == null
                    ? render.apply(result, base64) : Failures.toResponse(failure), workers);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failures.toResponse(e));
        }
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

}
