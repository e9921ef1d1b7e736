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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A stream's entries: append, a range after a cursor, one entry, delete one, trim. WRONGTYPE is 409. */
@Path("keys/{key}/entries")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "stream entries", description = "The entries of a stream")
public class StreamResource {

    static final String ID = "\\d{1,20}-\\d{1,20}";

    @Inject
    KeyStore store;

    @Inject
    KeysSettings settings;

    @Inject
    HttpLimits limits;

    @GET
    @Operation(operationId = "listEntries", summary = "Entries after `cursor` (XRANGE)", description = "From the first entry, or after the id in "
            + "`cursor`; `next` links the following page while pages come back full.")
    @APIResponse(responseCode = "200", description = "{key, entries: [{id, fields}], cursor, next}")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is not a stream")
    public Response range(@PathParam("key") String key,
                          @QueryParam("cursor") @Pattern(regexp = ID) String cursor,
                          @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                          @QueryParam("encoding") @Pattern(regexp = "base64|text") String encoding,
                          @Context UriInfo uri, @Context HttpServletRequest request) {
        int size = settings.count(count);
        List<Reply> r = store.pipeline(ApiAccess.of(request), List.of(Command.of("EXISTS", key),
                Command.of("XRANGE", key, cursor == null ? "-" : "(" + cursor, "+", "COUNT", Integer.toString(size))));
        Answers.exists(r.get(0), key);
        List<Reply> entries = Views.items(r.get(1));
        String next = entries.size() == size ? KeyStore.text(Views.items(entries.get(size - 1)).get(0)) : null;
        Texts t = Texts.forReply("base64".equals(encoding), r.get(1));
        return Answers.page(uri, "cursor", next, g -> {
            g.write("key", key);
            t.encodingField(g);
            g.writeStartArray("entries");
            entries.forEach(e -> Views.entry(g, e, t));
            g.writeEnd();
        });
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "appendEntry", summary = "Append an entry (XADD *)", description = "The body is a JSON object of fields; `maxlen` trims "
            + "the stream to about that many entries (MAXLEN ~).")
    @APIResponse(responseCode = "201", description = "{key, id}; Location of the entry")
    @APIResponse(responseCode = "400", description = "Not an object of string fields")
    @APIResponse(responseCode = "409", description = "The key is not a stream")
    public Response append(@PathParam("key") String key,
                           @QueryParam("maxlen") @Pattern(regexp = "\\d{1,18}") String maxlen,
                           @HeaderParam("Content-Length") String contentLength,
                           @Context UriInfo uri, @Context HttpServletRequest request, InputStream in) {
        JsonValue body = Bodies.json(Bodies.read(in, contentLength, limits.maxBody()));
        if (!(body instanceof JsonObject fields) || fields.isEmpty()) {
            throw GatewayException.bad("the body must be a JSON object of fields, e.g. {\"event\":\"login\"}");
        }
        Command add = TypedValues.xadd(KeysResource.bytes(key), "*", fields, false);
        if (maxlen != null) {
            List<byte[]> args = new java.util.ArrayList<>(add.args());
            args.addAll(1, List.of(KeysResource.bytes("MAXLEN"), KeysResource.bytes("~"), KeysResource.bytes(maxlen)));
            add = new Command("XADD", args);
        }
        String id = KeyStore.text(store.run(ApiAccess.of(request), add));
        return Response.created(uri.getAbsolutePathBuilder().path(id).build())
                .entity(Texts.json(g -> g.writeStartObject().write("key", key).write("id", id).writeEnd())).build();
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getEntry", summary = "One entry")
    @APIResponse(responseCode = "200", description = "{key, id, fields}")
    @APIResponse(responseCode = "404", description = "No such entry (or key)")
    @APIResponse(responseCode = "409", description = "The key is not a stream")
    public Response entry(@PathParam("key") String key, @PathParam("id") @Pattern(regexp = ID) String id,
                          @Context HttpServletRequest request) {
        Reply r = store.run(ApiAccess.of(request), Command.of("XRANGE", key, id, id));
        List<Reply> entries = Views.items(r);
        if (entries.isEmpty()) {
            throw new HttpError(404, "no entry " + id + " in " + key);
        }
        Texts t = Texts.forReply(false, r);
        return Response.ok(Texts.json(g -> {
            g.writeStartObject().write("key", key);
            t.encodingField(g);
            g.writeStartObject("entry");
            List<Reply> parts = Views.items(entries.get(0));
            g.write("id", KeyStore.text(parts.get(0))).writeStartObject("fields");
            Views.fields(g, Views.items(parts.get(1)), t);
            g.writeEnd().writeEnd().writeEnd();
        })).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteEntry", summary = "Delete one entry (XDEL)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such entry (or key)")
    @APIResponse(responseCode = "409", description = "The key is not a stream")
    public Response delete(@PathParam("key") String key, @PathParam("id") @Pattern(regexp = ID) String id,
                           @Context HttpServletRequest request) {
        Answers.removed(store.run(ApiAccess.of(request), Command.of("XDEL", key, id)), "entry " + id, key);
        return Response.noContent().build();
    }

    @DELETE
    @Operation(operationId = "trimEntries", summary = "Trim the stream (XTRIM)", description = "Keep the newest `maxlen` entries, or those from `minid` on.")
    @APIResponse(responseCode = "200", description = "{key, trimmed}")
    @APIResponse(responseCode = "400", description = "Neither or both of maxlen and minid")
    @APIResponse(responseCode = "409", description = "The key is not a stream")
    public Response trim(@PathParam("key") String key,
                         @QueryParam("maxlen") @Pattern(regexp = "\\d{1,18}") String maxlen,
                         @QueryParam("minid") @Pattern(regexp = ID) String minid,
                         @Context HttpServletRequest request) {
        if ((maxlen == null) == (minid == null)) {
            throw GatewayException.bad("trim with one of maxlen or minid");
        }
        long trimmed = KeyStore.integer(store.run(ApiAccess.of(request), maxlen != null
                ? Command.of("XTRIM", key, "MAXLEN", maxlen) : Command.of("XTRIM", key, "MINID", minid)));
        return Response.ok(Texts.json(g -> g.writeStartObject().write("key", key).write("trimmed", trimmed).writeEnd()))
                .build();
    }
}
