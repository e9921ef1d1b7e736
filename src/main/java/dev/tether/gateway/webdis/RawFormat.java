package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Webdis's {@code .raw} (formats/raw.c): the reply in RESP, {@code binary/octet-stream}; as in Webdis an integer
 * inside an array is a bulk string. Unlike Webdis, a nil or a nested array inside an array is written out too
 * (Webdis leaves it out but still counts it, which leaves its RESP short).
 */
final class RawFormat implements WebdisFormat {

    @Override
    public Rendered render(WebdisRequest request, Reply reply) {
        return new Rendered(200, "binary/octet-stream", bytes(reply));
    }

    static byte[] bytes(Reply reply) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        write(out, reply);
        return out.toByteArray();
    }

    static void write(ByteArrayOutputStream out, Reply reply) {
        if (reply instanceof Reply.Bulk b) {
            line(out, "$" + b.bytes().length);
            out.writeBytes(b.bytes());
            out.write('\r');
            out.write('\n');
        } else if (reply instanceof Reply.Int n) {
            line(out, ":" + n.value());
        } else if (reply instanceof Reply.Status s) {
            line(out, "+" + s.text());
        } else if (reply instanceof Reply.Error e) {
            line(out, "-" + e.message());
        } else if (reply instanceof Reply.Nil nil) {
            line(out, nil.array() ? "*-1" : "$-1");
        } else if (reply instanceof Reply.Array a) {
            line(out, "*" + a.items().size());
            for (Reply item : a.items()) {
                // an integer in an array goes out as a bulk string, as Webdis's raw_array writes it
                write(out, item instanceof Reply.Int n ? new Reply.Bulk(Long.toString(n.value()).getBytes(StandardCharsets.US_ASCII)) : item);
            }
        }
    }

    private static void line(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }
}
