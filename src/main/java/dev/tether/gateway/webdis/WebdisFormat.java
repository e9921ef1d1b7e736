package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One Webdis output format (src/formats/ in Webdis): a Redis reply to the bytes, status and type of the answer. */
public interface WebdisFormat {

    /** An answer: status, Content-Type (null for an empty body) and body. */
    record Rendered(int status, String contentType, byte[] body) {
    }

    Rendered render(WebdisRequest request, Reply reply);

    WebdisFormat JSON = new JsonFormat();
    WebdisFormat RAW = new RawFormat();
    WebdisFormat TEXT = new TextFormat();
    WebdisFormat MSGPACK = new MsgpackFormat();

    /**
     * The extensions Webdis knows (cmd.c, case-sensitive) and their Content-Type; any other ".x" stays part of the
     * last argument, as in Webdis. {@code .js} is the JSON reply served as JavaScript (for JSONP), as in Webdis.
     */
    Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("json", "application/json"), Map.entry("raw", "binary/octet-stream"),
            Map.entry("msg", "application/x-msgpack"), Map.entry("bin", "binary/octet-stream"),
            Map.entry("txt", "text/plain"), Map.entry("html", "text/html"), Map.entry("xhtml", "application/xhtml+xml"),
            Map.entry("xml", "text/xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("js", "application/javascript"), Map.entry("css", "text/css"));

    /** The format for a known extension, or null. */
    static WebdisFormat forExtension(String ext) {
        return switch (ext) {
            case "json", "js" -> JSON;
            case "raw" -> RAW;
            case "msg" -> MSGPACK;
            default -> EXTENSIONS.containsKey(ext) ? TEXT : null;
        };
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
