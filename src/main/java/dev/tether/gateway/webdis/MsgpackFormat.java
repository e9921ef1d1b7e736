package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Webdis's {@code .msg} (formats/msgpack.c), byte for byte, {@code application/x-msgpack}: a one-entry map from the
 * command as sent to the value. Strings are MessagePack's old "raw" (fixstr, str16, str32: never str8, as
 * msgpack-c's v4 raw), bulk bytes unchanged; integers in their smallest form; status {@code [true,"OK"]}, error
 * {@code [false,"ERR …"]}; nil nil. In an array only strings and integers keep their value: a nil, a status or a
 * nested array is nil there, as in Webdis. HGETALL is a map; INFO a map of its {@code key:value} lines.
 * Two deliberate differences, where Webdis's bytes are broken: integers keep 64 bits (Webdis cuts them to 32), and
 * INFO's map skips the {@code # Section} and blank lines (Webdis counts them in the map's size, so its map
 * declares more entries than it holds).
 */
final class MsgpackFormat implements WebdisFormat {

    private static final MessagePack.PackerConfig V4_RAW = new MessagePack.PackerConfig().withStr8FormatSupport(false);

    @Override
    public Rendered render(WebdisRequest request, Reply reply) {
        try (MessageBufferPacker p = V4_RAW.newBufferPacker()) {
            p.packMapHeader(1);
            p.packString(request.name());
            String name = request.command().name();
            if (reply instanceof Reply.Status s) {
                p.packArrayHeader(2).packBoolean(true).packString(s.text());
            } else if (reply instanceof Reply.Error e) {
                p.packArrayHeader(2).packBoolean(false).packString(e.message());
            } else if (reply instanceof Reply.Bulk b && name.equals("INFO")) {
                Map<String, String> lines = info(new String(b.bytes(), StandardCharsets.UTF_8));
                p.packMapHeader(lines.size());
                for (Map.Entry<String, String> line : lines.entrySet()) {
                    p.packString(line.getKey()).packString(line.getValue());
                }
            } else if (reply instanceof Reply.Array a && name.equals("HGETALL")) {
                List<Reply> items = a.items();
                p.packMapHeader(items.size() / 2);
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    item(p, items.get(i));
                    item(p, items.get(i + 1));
                }
            } else if (reply instanceof Reply.Array a) {
                p.packArrayHeader(a.items().size());
                for (Reply item : a.items()) {
                    item(p, item);
                }
            } else {
                item(p, reply);
            }
            return new Rendered(200, "application/x-msgpack", p.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory buffer does not fail
        }
    }

    /** A bulk string or an integer; anything else is nil. */
    private static void item(MessagePacker p, Reply reply) throws IOException {
        if (reply instanceof Reply.Bulk b) {
            p.packRawStringHeader(b.bytes().length).writePayload(b.bytes());
        } else if (reply instanceof Reply.Int n) {
            p.packLong(n.value());
        } else {
            p.packNil();
        }
    }

    private static Map<String, String> info(String text) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                lines.putIfAbsent(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return lines;
    }
}
