package dev.tether.keys;

import dev.tether.gateway.Command;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A hash's fields: HSCAN pages, one field's value, set and delete a field. WRONGTYPE is 409. */
@Path("keys/{key}/fields")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "hash fields", description = "The fields of a hash")
public class HashResource {

    @Inject
    KeyStore store;

    @Inject
    KeysSettings settings;

    @Inject
    HttpLimits limits;

    @GET
    @Operation(operationId = "listFields", summary = "One HSCAN page of fields", description = "Follow `cursor` / `next` until it is null.")
    @APIResponse(responseCode = "200", description = "{key, fields: {…}, cursor, next}")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is not a hash")
    public Response page(@PathParam("key") String key,
                         @QueryParam("cursor") @Pattern(regexp = "\\d{1,20}") String cursor,
                         @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                         @QueryParam("encoding") @Pattern(regexp = "base64|text") String encoding,
                         @Context UriInfo uri, @Context HttpServletRequest request) {
        byte[] k = KeysResource.bytes(key);
        List<Reply> r = store.pipeline(ApiAccess.of(request), List.of(new Command("EXISTS", List.of(k)),
                Command.of("HSCAN", key, cursor == null ? "0" : cursor, "COUNT",
                        Integer.toString(settings.count(count)))));
        Answers.exists(r.get(0), key);
        List<Reply> page = Views.items(r.get(1));
        String next = KeyStore.text(page.get(0));
        Texts t = Texts.forReply("base64".equals(encoding), page.get(1));
        return Answers.page(uri, "cursor", next.equals("0") ? null : next, g -> {
            g.write("key", key);
            t.encodingField(g);
            g.writeStartObject("fields");
            Views.fields(g, Views.items(page.get(1)), t);
            g.writeEnd();
        });
    }

    @GET
    @Path("{field}")
    @Operation(operationId = "getField", summary = "One field's value")
    @APIResponse(responseCode = "200", description = "{key, field, value}")
    @APIResponse(responseCode = "404", description = "No such field (or key)")
    @APIResponse(responseCode = "409", description = "The key is not a hash")
    public Response get(@PathParam("key") String key, @PathParam("field") String field,
                        @QueryParam("encoding") @Pattern(regexp = "base64|text") String encoding,
                        @Context HttpServletRequest request) {
        Reply value = store.run(ApiAccess.of(request), Command.of("HGET", key, field));
        if (value instanceof Reply.Nil) {
            throw new HttpError(404, "no field '" + field + "' in hash " + key);
        }
        Texts t = Texts.forReply("base64".equals(encoding), value);
        return Response.ok(Texts.json(g -> {
            g.writeStartObject().write("key", key).write("field", field);
            t.encodingField(g);
            g.write("value", t.string(value)).writeEnd();
        })).build();
    }

    @PUT
    @Path("{field}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "putField", summary = "Set a field", description = "The body is the value: raw bytes, or a JSON string or number.")
    @APIResponse(responseCode = "201", description = "A new field")
    @APIResponse(responseCode = "204", description = "The field's value was replaced")
    @APIResponse(responseCode = "409", description = "The key is not a hash")
    public Response put(@PathParam("key") String key, @PathParam("field") String field,
                        @HeaderParam("Content-Type") String contentType,
                        @HeaderParam("Content-Length") String contentLength,
                        @Context UriInfo uri, @Context HttpServletRequest request, InputStream in) {
        byte[] value = Bodies.scalar(Bodies.read(in, contentLength, limits.maxBody()), contentType, "the value");
        Reply added = store.run(ApiAccess.of(request), new Command("HSET",
                List.of(KeysResource.bytes(key), KeysResource.bytes(field), value)));
        return KeyStore.integer(added) == 1 ? Response.created(uri.getAbsolutePath()).build() : Response.noContent().build();
    }

    @DELETE
    @Path("{field}")
    @Operation(operationId = "deleteField", summary = "Delete a field")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such field (or key)")
    @APIResponse(responseCode = "409", description = "The key is not a hash")
    public Response delete(@PathParam("key") String key, @PathParam("field") String field,
                           @Context HttpServletRequest request) {
        Answers.removed(store.run(ApiAccess.of(request), Command.of("HDEL", key, field)), "field '" + field + "'", key);
        return Response.noContent().build();
    }
}
