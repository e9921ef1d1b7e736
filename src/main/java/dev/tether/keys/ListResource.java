package dev.tether.keys;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
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
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A list's items: a range, push at either end, pop from either end, one item by index. WRONGTYPE is 409. */
@Path("keys/{key}/items")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "list items", description = "The items of a list")
public class ListResource {

    @Inject
    KeyStore store;

    @Inject
    KeysSettings settings;

    @Inject
    HttpLimits limits;

    @GET
    @Operation(operationId = "listItems", summary = "A range of items (LRANGE)", description = "From `start` (0-based), `count` items; `next` links the rest.")
    @APIResponse(responseCode = "200", description = "{key, length, start, items, next}")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is not a list")
    public Response range(@PathParam("key") String key,
                          @QueryParam("start") @Pattern(regexp = "\\d{1,10}") String start,
                          @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                          @QueryParam("encoding") @Pattern(regexp = "base64|text") String encoding,
                          @Context UriInfo uri, @Context HttpServletRequest request) {
        long first = start == null ? 0 : Long.parseLong(start);
        int size = settings.count(count);
        List<Reply> r = store.pipeline(ApiAccess.of(request), List.of(Command.of("LLEN", key),
                Command.of("LRANGE", key, Long.toString(first), Long.toString(first + size - 1))));
        long length = KeyStore.integer(r.get(0));
        Answers.exists(r.get(0), key);
        Texts t = Texts.forReply("base64".equals(encoding), r.get(1));
        return Answers.page(uri, "start", first + size < length ? first + size : null, g -> {
            g.write("key", key).write("length", length).write("start", first);
            t.encodingField(g);
            g.writeStartArray("items");
            Views.items(r.get(1)).forEach(item -> g.write(t.string(item)));
            g.writeEnd();
        });
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "pushItems", summary = "Push items (RPUSH, or LPUSH with end=head)",
            description = "A JSON array pushes each of its strings; any other body is one item.")
    @APIResponse(responseCode = "200", description = "{key, length}")
    @APIResponse(responseCode = "409", description = "The key is not a list")
    public Response push(@PathParam("key") String key,
                         @QueryParam("end") @Pattern(regexp = "head|tail") String end,
                         @HeaderParam("Content-Type") String contentType,
                         @HeaderParam("Content-Length") String contentLength,
                         @Context HttpServletRequest request, InputStream in) {
        byte[] body = Bodies.read(in, contentLength, limits.maxBody());
        List<byte[]> args = new ArrayList<>();
        args.add(KeysResource.bytes(key));
        JsonValue json = Bodies.isJson(contentType) ? Bodies.json(body) : null;
        if (json instanceof JsonArray array) {
            if (array.isEmpty()) {
                throw GatewayException.bad("an empty array pushes nothing");
            }
            for (int i = 0; i < array.size(); i++) {
                args.add(TypedValues.bytes(array.get(i), false, "item " + i));
            }
        } else {
            args.add(json != null ? TypedValues.bytes(json, false, "the item") : body);
        }
        long length = KeyStore.integer(store.run(ApiAccess.of(request),
                new Command("head".equals(end) ? "LPUSH" : "RPUSH", args)));
        return Response.ok(Texts.json(g -> g.writeStartObject().write("key", key).write("length", length).writeEnd()))
                .build();
    }

    @DELETE
    @Path("{item}")
    @Operation(operationId = "popItems", summary = "Pop items from the head (LPOP) or the tail (RPOP)")
    @APIResponse(responseCode = "200", description = "{key, items}")
    @APIResponse(responseCode = "404", description = "The list is empty (no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a list")
    public Response pop(@PathParam("key") String key, @PathParam("item") @Pattern(regexp = "head|tail") String end,
                        @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                        @Context HttpServletRequest request) {
        int n = count == null ? 1 : settings.count(count);
        Reply popped = store.run(ApiAccess.of(request),
                Command.of(end.equals("head") ? "LPOP" : "RPOP", key, Integer.toString(n)));
        if (popped instanceof Reply.Nil) {
            throw new HttpError(404, "no such key: " + key + " (an empty list does not exist in Redis)");
        }
        Texts t = Texts.forReply(false, popped);
        return Response.ok(Texts.json(g -> {
            g.writeStartObject().write("key", key);
            t.encodingField(g);
            g.writeStartArray("items");
            Views.items(popped).forEach(item -> g.write(t.string(item)));
            g.writeEnd().writeEnd();
        })).build();
    }

    @GET
    @Path("{item}")
    @Operation(operationId = "getItem", summary = "One item by index (LINDEX; negative counts from the tail)")
    @APIResponse(responseCode = "200", description = "{key, index, value}")
    @APIResponse(responseCode = "404", description = "No item at that index (or no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a list")
    public Response item(@PathParam("key") String key, @PathParam("item") @Pattern(regexp = "-?\\d{1,10}") String index,
                         @Context HttpServletRequest request) {
        Reply value = store.run(ApiAccess.of(request), Command.of("LINDEX", key, index));
        if (value instanceof Reply.Nil) {
            throw new HttpError(404, "no item at index " + index + " in " + key);
        }
        Texts t = Texts.forReply(false, value);
        return Response.ok(Texts.json(g -> {
            g.writeStartObject().write("key", key).write("index", Long.parseLong(index));
            t.encodingField(g);
            g.write("value", t.string(value)).writeEnd();
        })).build();
    }

    @PUT
    @Path("{item}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "setItem", summary = "Replace the item at an index (LSET)")
    @APIResponse(responseCode = "204", description = "Replaced")
    @APIResponse(responseCode = "404", description = "No item at that index (or no such key)")
    @APIResponse(responseCode = "409", description = "The key is not a list")
    public Response set(@PathParam("key") String key, @PathParam("item") @Pattern(regexp = "-?\\d{1,10}") String index,
                        @HeaderParam("Content-Type") String contentType,
                        @HeaderParam("Content-Length") String contentLength,
                        @Context HttpServletRequest request, InputStream in) {
        byte[] value = Bodies.scalar(Bodies.read(in, contentLength, limits.maxBody()), contentType, "the item");
        try {
            store.run(ApiAccess.of(request), new Command("LSET",
                    List.of(KeysResource.bytes(key), KeysResource.bytes(index), value)));
        } catch (GatewayException e) {
            if (e.getMessage().contains("no such key") || e.getMessage().contains("out of range")) {
                throw new HttpError(404, "no item at index " + index + " in " + key);
            }
            throw e;
        }
        return Response.noContent().build();
    }
}
