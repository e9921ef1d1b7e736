package dev.tether.keys;

import dev.tether.gateway.Access;
import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.HttpError;
import dev.tether.gateway.http.HttpLimits;
import dev.tether.redis.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Keys: one SCAN page, a key's typed value (paged), create or replace, delete, and its TTL. */
@Path("keys")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys", description = "Keys with their types, values and TTLs")
public class KeysResource {

    static final String TYPES = "string|list|hash|set|zset|stream";
    static final String CURSOR = "\\d{1,20}(-\\d{1,20})?";

    @Inject
    KeyStore store;

    @Inject
    KeysSettings settings;

    @Inject
    HttpLimits limits;

    @GET
    @Operation(operationId = "listKeys", summary = "One SCAN page of keys",
            description = "Never KEYS: one SCAN step. Follow `cursor` (or the `next` link, also in the Link header) "
                    + "until it is \"0\". A page may hold fewer keys than `count`, even none, before the end.")
    @APIResponse(responseCode = "200", description = "A page", content = @Content(examples = @ExampleObject(name = "page",
            value = "{\"cursor\":\"17\",\"keys\":[{\"key\":\"user:1\",\"type\":\"hash\",\"ttl\":null}],"
                    + "\"next\":\"http://localhost:8080/api/keys?cursor=17&match=user:*\"}")))
    @APIResponse(responseCode = "400", description = "A bad parameter")
    @APIResponse(responseCode = "401", description = "Missing or wrong token")
    public Response list(
            @Parameter(description = "glob-style pattern, e.g. user:*") @QueryParam("match") @Pattern(regexp = "(?s).{0,1024}") String match,
            @Parameter(description = "only keys of this type") @QueryParam("type") @Pattern(regexp = TYPES) String type,
            @Parameter(description = "from the previous page; 0 or absent to start") @QueryParam("cursor")
            @Pattern(regexp = "\\d{1,20}") String cursor,
            @Parameter(description = "SCAN's COUNT hint, 1 to tether.keys.max-page") @QueryParam("count")
            @Pattern(regexp = "\\d{1,9}") String count,
            @Context UriInfo uri, @Context HttpServletRequest request) {
        KeyStore.ScanPage page = store.scan(ApiAccess.of(request), cursor == null ? "0" : cursor, match, type,
                settings.count(count));
        String next = page.cursor().equals("0") ? null
                : uri.getRequestUriBuilder().replaceQueryParam("cursor", page.cursor()).build().toString();
        byte[] body = Texts.json(g -> {
            g.writeStartObject().write("cursor", page.cursor()).writeStartArray("keys");
            for (KeyStore.Entry e : page.keys()) {
                g.writeStartObject();
                if (Texts.utf8(e.key())) {
                    g.write("key", new String(e.key(), StandardCharsets.UTF_8));
                } else {
                    g.write("key", java.util.Base64.getEncoder().encodeToString(e.key())).write("keyEncoding", "base64");
                }
                g.write("type", e.type());
                Views.ttl(g, e.ttlMillis());
                g.writeEnd();
            }
            g.writeEnd();
            if (next == null) {
                g.writeNull("next");
            } else {
                g.write("next", next);
            }
            g.writeEnd();
        });
        Response.ResponseBuilder b = Response.ok(body);
        if (next != null) {
            b.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return b.build();
    }

    @GET
    @Path("{key}")
    @Operation(operationId = "getKey", summary = "A key with its type, TTL and typed value",
            description = "string: text, or base64 with \"encoding\":\"base64\" when not UTF-8 (or with ?encoding=base64); "
                    + "list and set: arrays; hash: an object; zset: [{member, score}]; stream: [{id, fields}]. "
                    + "Collections are paged: hash and set by `cursor` (HSCAN/SSCAN), stream by `cursor` (the last id "
                    + "seen), list and zset by `start` and `count`; `next` links the following page. `ETag` is the "
                    + "digest of the value and its expiry time: send it back in If-None-Match for a 304 (the `ttl` "
                    + "of a cached copy is as old as the copy).")
    @APIResponse(responseCode = "200", description = "The key", content = @Content(examples = {
            @ExampleObject(name = "hash", value = "{\"key\":\"user:1\",\"type\":\"hash\",\"ttl\":null,\"length\":2,"
                    + "\"value\":{\"name\":\"Ada\",\"born\":\"1815\"},\"cursor\":null,\"next\":null}"),
            @ExampleObject(name = "binary string", value = "{\"key\":\"blob\",\"type\":\"string\",\"ttl\":60,"
                    + "\"length\":3,\"encoding\":\"base64\",\"value\":\"/wD+\"}")}))
    @APIResponse(responseCode = "304", description = "If-None-Match holds the current ETag")
    @APIResponse(responseCode = "404", description = "No such key")
    public Response get(@PathParam("key") String key,
                        @Parameter(description = "list and zset: the first index") @QueryParam("start")
                        @Pattern(regexp = "\\d{1,10}") String start,
                        @Parameter(description = "page size") @QueryParam("count") @Pattern(regexp = "\\d{1,9}") String count,
                        @Parameter(description = "hash, set, stream: from the previous page") @QueryParam("cursor")
                        @Pattern(regexp = CURSOR) String cursor,
                        @Parameter(description = "base64: every string in base64") @QueryParam("encoding")
                        @Pattern(regexp = "base64|text") String encoding,
                        @HeaderParam("If-None-Match") String ifNoneMatch,
                        @Context UriInfo uri, @Context HttpServletRequest request) {
        long first = start == null ? 0 : Long.parseLong(start);
        int size = settings.count(count);
        KeyStore.Snapshot s = store.read(ApiAccess.of(request), bytes(key), first, size, cursor == null ? "" : cursor);
        if (s == null) {
            throw new HttpError(404, "no such key: " + key);
        }
        String etag = KeyStore.quote(s.etag());
        if (matches(ifNoneMatch, s.etag())) {
            return Response.notModified().header("ETag", etag).build();
        }
        String next = nextPage(uri, s, first, size);
        Texts t = Texts.forReply("base64".equals(encoding), s.value());
        byte[] body = Texts.json(g -> {
            g.writeStartObject().write("key", key).write("type", s.type());
            Views.ttl(g, s.ttlMillis());
            g.write("length", s.length());
            t.encodingField(g);
            Views.value(g, "value", s.type(), s.value(), t);
            switch (s.type()) {
                case "hash", "set", "stream" -> {
                    if (s.next().isEmpty()) {
                        g.writeNull("cursor");
                    } else {
                        g.write("cursor", s.next());
                    }
                }
                case "list", "zset" -> g.write("start", first).write("count", size);
                default -> { }
            }
            if (!s.type().equals("string")) {
                if (next == null) {
                    g.writeNull("next");
                } else {
                    g.write("next", next);
                }
            }
            g.writeEnd();
        });
        Response.ResponseBuilder b = Response.ok(body).header("ETag", etag).header("Cache-Control", "no-cache");
        if (next != null) {
            b.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return b.build();
    }

    @PUT
    @Path("{key}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "putKey", summary = "Create or replace a key, atomically",
            description = "A string from a text/plain, application/octet-stream or JSON body (a JSON body is stored "
                    + "as its text), or a typed value from JSON {\"type\":…,\"value\":…[,\"encoding\":\"base64\"]}: "
                    + "string, list (array), set (array), hash (object), zset ([{member, score}] or {member: score}), "
                    + "stream ([{id?, fields}]). The old value and its TTL go; `ttl` sets a new one. "
                    + "If-None-Match: * creates only; If-Match: <ETag> (or *) replaces only that value.")
    @RequestBody(content = @Content(mediaType = "application/json", examples = {
            @ExampleObject(name = "hash", value = "{\"type\":\"hash\",\"value\":{\"name\":\"Ada\",\"born\":\"1815\"}}"),
            @ExampleObject(name = "zset", value = "{\"type\":\"zset\",\"value\":[{\"member\":\"ada\",\"score\":3}]}")}))
    @APIResponse(responseCode = "201", description = "Created; Location and ETag")
    @APIResponse(responseCode = "204", description = "Replaced; ETag")
    @APIResponse(responseCode = "400", description = "A malformed value")
    @APIResponse(responseCode = "403", description = "Read-only token, or a command the policy denies")
    @APIResponse(responseCode = "412", description = "The precondition failed")
    @APIResponse(responseCode = "413", description = "Body over tether.http.max-body")
    public Response put(@PathParam("key") String key,
                        @Parameter(description = "seconds to live") @QueryParam("ttl")
                        @Pattern(regexp = "[1-9]\\d{0,9}") String ttl,
                        @HeaderParam("If-Match") String ifMatch, @HeaderParam("If-None-Match") String ifNoneMatch,
                        @HeaderParam("Content-Type") String contentType,
                        @HeaderParam("Content-Length") String contentLength,
                        @Context UriInfo uri, @Context HttpServletRequest request, InputStream in) {
        byte[] k = bytes(key);
        byte[] body = Bodies.read(in, contentLength, limits.maxBody());
        String type = "string";
        List<Command> commands;
        JsonValue json = Bodies.isJson(contentType) ? Bodies.json(body) : null;
        if (json instanceof JsonObject o && o.get("type") instanceof JsonString typed && o.containsKey("value")) {
            type = typed.getString();
            boolean base64 = o.get("encoding") instanceof JsonString e && e.getString().equals("base64");
            commands = TypedValues.commands(k, type, o.get("value"), base64);
        } else {
            commands = List.of(new Command("SET", List.of(k, body)));
        }
        long ttlMillis = ttl == null ? 0 : Long.parseLong(ttl) * 1000;
        KeyStore.Written w = store.write(ApiAccess.of(request), k, condition(ifMatch, ifNoneMatch), true, ttlMillis,
                commands);
        String etag = KeyStore.quote(w.etag());
        if (w.existed()) {
            return Response.noContent().header("ETag", etag).build();
        }
        String created = type;
        return Response.created(uri.getAbsolutePath()).header("ETag", etag)
                .entity(Texts.json(g -> g.writeStartObject().write("key", key).write("type", created).writeEnd()))
                .build();
    }

    @DELETE
    @Path("{key}")
    @Operation(operationId = "deleteKey", summary = "Delete a key", description = "If-Match: <ETag> deletes only that value.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "412", description = "If-Match did not hold")
    public Response delete(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch,
                           @Context HttpServletRequest request) {
        Access access = ApiAccess.of(request);
        if (ifMatch == null) {
            long n = KeyStore.integer(store.run(access, new Command("DEL", List.of(bytes(key)))));
            if (n == 0) {
                throw new HttpError(404, "no such key: " + key);
            }
            return Response.noContent().build();
        }
        store.write(access, bytes(key), condition(ifMatch, null), true, 0, List.of());
        return Response.noContent().build();
    }

    @GET
    @Path("{key}/ttl")
    @Operation(operationId = "getTtl", summary = "A key's time to live", description = "`ttl` in seconds (rounded up), null without expiry.")
    @APIResponse(responseCode = "200", description = "The TTL",
            content = @Content(examples = @ExampleObject(name = "ttl", value = "{\"key\":\"session:9\",\"ttl\":3600}")))
    @APIResponse(responseCode = "404", description = "No such key")
    public Response ttl(@PathParam("key") String key, @Context HttpServletRequest request) {
        long pttl = KeyStore.integer(store.run(ApiAccess.of(request), new Command("PTTL", List.of(bytes(key)))));
        if (pttl == -2) {
            throw new HttpError(404, "no such key: " + key);
        }
        return Response.ok(Texts.json(g -> {
            g.writeStartObject().write("key", key);
            Views.ttl(g, pttl);
            g.writeEnd();
        })).build();
    }

    @PUT
    @Path("{key}/ttl")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "setTtl", summary = "Set a key's time to live",
            description = "Seconds from `?seconds=` or the body (a number as text or JSON, or {\"ttl\":n}).")
    @APIResponse(responseCode = "204", description = "Set")
    @APIResponse(responseCode = "400", description = "Not a positive number of seconds")
    @APIResponse(responseCode = "404", description = "No such key")
    public Response expire(@PathParam("key") String key,
                           @QueryParam("seconds") @Pattern(regexp = "[1-9]\\d{0,9}") String seconds,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Content-Length") String contentLength,
                           @Context HttpServletRequest request, InputStream in) {
        String value = seconds;
        if (value == null) {
            byte[] body = Bodies.read(in, contentLength, limits.maxBody());
            if (Bodies.isJson(contentType) && Bodies.json(body) instanceof JsonObject o) {
                value = o.containsKey("ttl") ? o.get("ttl").toString() : "";
            } else {
                value = new String(body, StandardCharsets.UTF_8).trim();
            }
        }
        if (!value.matches("[1-9]\\d{0,9}")) {
            throw GatewayException.bad("the TTL must be a whole number of seconds from 1 to 9999999999, got '"
                    + value + "'");
        }
        Reply r = store.run(ApiAccess.of(request), new Command("EXPIRE", List.of(bytes(key), bytes(value))));
        if (KeyStore.integer(r) == 0) {
            throw new HttpError(404, "no such key: " + key);
        }
        return Response.noContent().build();
    }

    @DELETE
    @Path("{key}/ttl")
    @Operation(operationId = "persistKey", summary = "Remove a key's time to live (PERSIST)")
    @APIResponse(responseCode = "204", description = "The key no longer expires")
    @APIResponse(responseCode = "404", description = "No such key")
    public Response persist(@PathParam("key") String key, @Context HttpServletRequest request) {
        byte[] k = bytes(key);
        List<Reply> r = store.pipeline(ApiAccess.of(request),
                List.of(new Command("PERSIST", List.of(k)), new Command("EXISTS", List.of(k))));
        if (KeyStore.integer(r.get(1)) == 0) {
            throw new HttpError(404, "no such key: " + key);
        }
        return Response.noContent().build();
    }

    private static String nextPage(UriInfo uri, KeyStore.Snapshot s, long first, int size) {
        return switch (s.type()) {
            case "hash", "set", "stream" -> s.next().isEmpty() ? null
                    : uri.getRequestUriBuilder().replaceQueryParam("cursor", s.next()).build().toString();
            case "list", "zset" -> first + size >= s.length() ? null
                    : uri.getRequestUriBuilder().replaceQueryParam("start", first + size).build().toString();
            default -> null;
        };
    }

    /** If-None-Match: * or a list holding the ETag (weak or strong). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || unquote(t).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static KeyStore.Condition condition(String ifMatch, String ifNoneMatch) {
        if (ifMatch != null && ifNoneMatch != null) {
            throw GatewayException.bad("send If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw GatewayException.bad("on writes, If-None-Match supports only * (create only)");
            }
            return KeyStore.Condition.ABSENT;
        }
        if (ifMatch == null) {
            return KeyStore.Condition.NONE;
        }
        String t = ifMatch.trim();
        if (t.equals("*")) {
            return KeyStore.Condition.PRESENT;
        }
        if (t.contains(",") || !t.matches("(W/)?\"[0-9a-f]{40}\"")) {
            throw GatewayException.bad("If-Match must be * or one ETag as this API sent it, e.g. \"3f…\"");
        }
        return KeyStore.Condition.etag(unquote(t));
    }

    static String unquote(String tag) {
        String t = tag.startsWith("W/") ? tag.substring(2) : tag;
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
