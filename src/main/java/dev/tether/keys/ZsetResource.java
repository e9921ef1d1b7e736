package dev.tether.keys;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A sorted set's members with scores: ranges by rank or score, one member's score and rank, add, remove. */
@Path("keys/{key}/scored-members")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "sorted-set members", description = "The members of a sorted set, with their scores")
public class ZsetResource {

    static final String BOUND = "\\(?([-+]?inf|[-+]?\\d{1,20}(\\.\\d{1,20})?([eE][-+]?\\d{1,3})?)";

    @Inject
    KeyStore store;

    @Inject
    KeysSettings settings;

    @Inject
    HttpLimits limits;

    @GET
    @Operation(operationId = "listScoredMembers", summary = "A range by rank, or by score with min and max",
            description = "By rank: `start` (0-based) and `count`. By score: `min` and `max` (inclusive, `(` for "
                    + "exclusive, `-inf`/`inf`), `start` is then the offset. `order=desc` from the highest score.")
    @APIResponse(responseCode = "200", description = "{key, length, start, members: [{member, score}], next}")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is not a sorted set")
    public Response range(@PathParam("key") String key,
                          @QueryParam("start") @Pattern(regexp = "\\d{1,10}") String start,
                          @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                          @QueryParam("min") @Pattern(regexp = BOUND) String min,
                          @QueryParam("max") @Pattern(regexp = BOUND) String max,
                          @QueryParam("order") @Pattern(regexp = "asc|desc") String order,
                          @QueryParam("encoding") @Pattern(regexp = "base64|text") String encoding,
                          @Context UriInfo uri, @Context HttpServletRequest request) {
        long first = start == null ? 0 : Long.parseLong(start);
        int size = settings.count(count);
        boolean desc = "desc".equals(order);
        boolean byScore = min != null || max != null;
        List<String> words = new ArrayList<>(List.of(key));
        if (byScore) {
            String lo = min == null ? "-inf" : min;
            String hi = max == null ? "+inf" : max;
            words.addAll(desc ? List.of(hi, lo, "BYSCORE", "REV") : List.of(lo, hi, "BYSCORE"));
            words.addAll(List.of("LIMIT", Long.toString(first), Integer.toString(size)));
        } else {
            words.addAll(List.of(Long.toString(first), Long.toString(first + size - 1)));
            if (desc) {
                words.add("REV");
            }
        }
        words.add("WITHSCORES");
        List<Reply> r = store.pipeline(ApiAccess.of(request), List.of(Command.of("ZCARD", key),
                Command.of("ZRANGE", words.toArray(String[]::new))));
        Answers.exists(r.get(0), key);
        long length = KeyStore.integer(r.get(0));
        List<Reply> flat = Views.items(r.get(1));
        boolean more = byScore ? flat.size() / 2 == size : first + size < length;
        Texts t = Texts.forReply("base64".equals(encoding), r.get(1));
        return Answers.page(uri, "start", more ? first + size : null, g -> {
            g.write("key", key).write("length", length).write("start", first);
            t.encodingField(g);
            g.writeStartArray("members");
            Views.scored(g, flat, t);
            g.writeEnd();
        });
    }

    @GET
    @Path("{member}")
    @Operation(operationId = "getScoredMember", summary = "One member's score and rank")
    @APIResponse(responseCode = "200", description = "{key, member, score, rank}")
    @APIResponse(responseCode = "404", description = "Not a member (or no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a sorted set")
    public Response member(@PathParam("key") String key, @PathParam("member") String member,
                           @Context HttpServletRequest request) {
        List<Reply> r = store.pipeline(ApiAccess.of(request),
                List.of(Command.of("ZSCORE", key, member), Command.of("ZRANK", key, member)));
        if (r.get(0) instanceof Reply.Nil) {
            throw new HttpError(404, "'" + member + "' is not a member of " + key);
        }
        return Response.ok(Texts.json(g -> {
            g.writeStartObject().write("key", key).write("member", member);
            Texts.score(g, "score", KeyStore.text(r.get(0)));
            g.write("rank", KeyStore.integer(r.get(1))).writeEnd();
        })).build();
    }

    @PUT
    @Path("{member}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "putScoredMember", summary = "Add a member or change its score (ZADD)",
            description = "The score from `?score=` or the body: a number as text or JSON, or {\"score\":n}.")
    @APIResponse(responseCode = "201", description = "Added")
    @APIResponse(responseCode = "204", description = "Its score was set")
    @APIResponse(responseCode = "400", description = "Not a number")
    @APIResponse(responseCode = "409", description = "The key is not a sorted set")
    public Response add(@PathParam("key") String key, @PathParam("member") String member,
                        @QueryParam("score") String score,
                        @HeaderParam("Content-Type") String contentType,
                        @HeaderParam("Content-Length") String contentLength,
                        @Context UriInfo uri, @Context HttpServletRequest request, InputStream in) {
        String value = score;
        if (value == null) {
            byte[] body = Bodies.read(in, contentLength, limits.maxBody());
            JsonValue json = Bodies.isJson(contentType) ? Bodies.json(body) : null;
            if (json instanceof JsonObject o) {
                json = o.get("score");
                if (json == null) {
                    throw GatewayException.bad("the body must hold a \"score\"");
                }
            }
            value = json != null ? new String(TypedValues.score(json, "the member"), StandardCharsets.US_ASCII)
                    : new String(body, StandardCharsets.UTF_8);
        }
        String checked = TypedValues.parseScore(value, "the member");
        long added = KeyStore.integer(store.run(ApiAccess.of(request), Command.of("ZADD", key, checked, member)));
        return added == 1 ? Response.created(uri.getAbsolutePath()).build() : Response.noContent().build();
    }

    @DELETE
    @Path("{member}")
    @Operation(operationId = "removeScoredMember", summary = "Remove a member (ZREM)")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "Not a member (or no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a sorted set")
    public Response remove(@PathParam("key") String key, @PathParam("member") String member,
                           @Context HttpServletRequest request) {
        Answers.removed(store.run(ApiAccess.of(request), Command.of("ZREM", key, member)), "member '" + member + "'", key);
        return Response.noContent().build();
    }
}
