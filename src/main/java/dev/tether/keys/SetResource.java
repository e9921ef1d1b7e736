package dev.tether.keys;

import dev.tether.gateway.Command;
import dev.tether.gateway.http.HttpError;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A set's members: SSCAN pages, membership, add, remove. The member is the last path segment. WRONGTYPE is 409. */
@Path("keys/{key}/members")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "set members", description = "The members of a set")
public class SetResource {

    @Inject
    KeyStore store;

    @Inject
    KeysSettings settings;

    @GET
    @Operation(operationId = "listMembers", summary = "One SSCAN page of members")
    @APIResponse(responseCode = "200", description = "{key, members, cursor, next}")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is not a set")
    public Response page(@PathParam("key") String key,
                         @QueryParam("cursor") @Pattern(regexp = "\\d{1,20}") String cursor,
                         @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                         @QueryParam("encoding") @Pattern(regexp = "base64|text") String encoding,
                         @Context UriInfo uri, @Context HttpServletRequest request) {
        List<Reply> r = store.pipeline(ApiAccess.of(request), List.of(Command.of("EXISTS", key),
                Command.of("SSCAN", key, cursor == null ? "0" : cursor, "COUNT", Integer.toString(settings.count(count)))));
        Answers.exists(r.get(0), key);
        List<Reply> page = Views.items(r.get(1));
        String next = KeyStore.text(page.get(0));
        Texts t = Texts.forReply("base64".equals(encoding), page.get(1));
        return Answers.page(uri, "cursor", next.equals("0") ? null : next, g -> {
            g.write("key", key);
            t.encodingField(g);
            g.writeStartArray("members");
            Views.items(page.get(1)).forEach(m -> g.write(t.string(m)));
            g.writeEnd();
        });
    }

    @GET
    @Path("{member}")
    @Operation(operationId = "getMember", summary = "Is it a member? (SISMEMBER)")
    @APIResponse(responseCode = "200", description = "{key, member}")
    @APIResponse(responseCode = "404", description = "Not a member (or no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a set")
    public Response member(@PathParam("key") String key, @PathParam("member") String member,
                           @Context HttpServletRequest request) {
        if (KeyStore.integer(store.run(ApiAccess.of(request), Command.of("SISMEMBER", key, member))) == 0) {
            throw new HttpError(404, "'" + member + "' is not a member of " + key);
        }
        return Response.ok(Texts.json(g -> g.writeStartObject().write("key", key).write("member", member).writeEnd()))
                .build();
    }

    @PUT
    @Path("{member}")
    @Operation(operationId = "addMember", summary = "Add a member (SADD)")
    @APIResponse(responseCode = "201", description = "Added")
    @APIResponse(responseCode = "204", description = "Already a member")
    @APIResponse(responseCode = "409", description = "The key is not a set")
    public Response add(@PathParam("key") String key, @PathParam("member") String member,
                        @Context UriInfo uri, @Context HttpServletRequest request) {
        long added = KeyStore.integer(store.run(ApiAccess.of(request), Command.of("SADD", key, member)));
        return added == 1 ? Response.created(uri.getAbsolutePath()).build() : Response.noContent().build();
    }

    @DELETE
    @Path("{member}")
    @Operation(operationId = "removeMember", summary = "Remove a member (SREM)")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "Not a member (or no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a set")
    public Response remove(@PathParam("key") String key, @PathParam("member") String member,
                           @Context HttpServletRequest request) {
        Answers.removed(store.run(ApiAccess.of(request), Command.of("SREM", key, member)), "member '" + member + "'", key);
        return Response.noContent().build();
    }
}
