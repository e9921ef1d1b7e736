package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Webdis's {@code .txt} and custom types (formats/custom-type.c): the value itself with the extension's
 * Content-Type ({@code .html}, {@code .png}, …) or {@code ?type=}. A list's strings are joined by {@code ?sep=}
 * (nothing by default; its other items are left out, as in Webdis); a status is {@code +TEXT}, an error
 * {@code -ERR …}; nil answers 404 with no body.
 */
final class TextFormat implements WebdisFormat {

    @Override
    public Rendered render(WebdisRequest request, Reply reply) {
        if (reply instanceof Reply.Nil) {
            return new Rendered(404, null, new byte[0]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        if (reply instanceof Reply.Array a) {
            // as Webdis's custom_array: only bulk strings, each but the array's first item preceded by the separator
            byte[] sep = request.sep().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < a.items().size(); i++) {
                if (a.items().get(i) instanceof Reply.Bulk b) {
                    out.writeBytes(i > 0 ? sep : new byte[0]);
                    out.writeBytes(b.bytes());
                }
            }
        } else {
            scalar(out, reply);
        }
        return new Rendered(200, request.type(), out.toByteArray());
    }

    private static void scalar(ByteArrayOutputStream out, Reply reply) {
        if (reply instanceof Reply.Bulk b) {
            out.writeBytes(b.bytes());
        } else if (reply instanceof Reply.Int n) {
            out.writeBytes(Long.toString(n.value()).getBytes(StandardCharsets.US_ASCII));
        } else if (reply instanceof Reply.Status s) {
            out.writeBytes(("+" + s.text()).getBytes(StandardCharsets.UTF_8));
        } else if (reply instanceof Reply.Error e) {
            out.writeBytes(("-" + e.message()).getBytes(StandardCharsets.UTF_8));
        }
    }
}
