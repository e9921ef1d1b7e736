package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Webdis's {@code .msg} (formats/msgpack.c): the JSON shape in MessagePack, {@code application/x-msgpack}:
 * a one-entry map from the command as sent to the value; bulk strings as raw strings (their bytes unchanged),
 * status {@code [true,"OK"]}, error {@code [false,"ERR …"]}, HGETALL a map.
 */
final class MsgpackFormat implements WebdisFormat {

    @Override
    public Rendered render(WebdisRequest request, Reply reply) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1);
            p.packString(request.name());
            if (reply instanceof Reply.Status s) {
                p.packArrayHeader(2).packBoolean(true).packString(s.text());
            } else if (reply instanceof Reply.Error e) {
                p.packArrayHeader(2).packBoolean(false).packString(e.message());
            } else if (reply instanceof Reply.Array a && request.command().name().equals("HGETALL")) {
                List<Reply> items = a.items();
                p.packMapHeader(items.size() / 2);
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    value(p, items.get(i));
                    value(p, items.get(i + 1));
                }
            } else {
                value(p, reply);
            }
            return new Rendered(200, "application/x-msgpack", p.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory buffer does not fail
        }
    }

    private static void value(MessagePacker p, Reply reply) throws IOException {
        if (reply instanceof Reply.Bulk b) {
            p.packRawStringHeader(b.bytes().length).writePayload(b.bytes());
        } else if (reply instanceof Reply.Int n) {
            p.packLong(n.value());
        } else if (reply instanceof Reply.Array a) {
            p.packArrayHeader(a.items().size());
            for (Reply item : a.items()) {
                value(p, item);
            }
        } else {
            p.packNil();
        }
    }
}
