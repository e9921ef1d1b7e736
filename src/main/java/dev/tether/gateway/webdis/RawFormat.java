package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Webdis's {@code .raw} (formats/raw.c): the reply as Redis sent it, RESP bytes, {@code binary/octet-stream}. */
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
                write(out, item);
            }
        }
    }

    private static void line(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }
}
