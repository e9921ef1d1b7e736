package dev.tether.gateway.upstash;

import dev.tether.redis.Reply;
import dev.tether.support.Jsonp;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Replies in the Upstash REST shape: {@code {"result":…}} or {@code {"error":…}}, arrays of those for
 * pipelines. With base64 on, every string at any depth is base64 (errors never are), as the SDKs expect.
 * Written into one buffer per request thread, reused; {@link Out} is valid until the thread's next reply.
 */
final class UpstashJson {

    private static final int KEEP = 64 * 1024; // a thread keeps a buffer up to this size between requests
    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

    /** The JSON bytes in a reused buffer. */
    record Out(byte[] bytes, int length) {
    }

    private UpstashJson() {
    }

    static Out single(Reply reply, boolean base64) {
        Buffer out = buffer();
        try (JsonGenerator g = Jsonp.GENERATORS.createGenerator(out)) {
            slot(g, reply, base64);
        }
        return out.done();
    }

    static Out slots(List<Reply> replies, boolean base64) {
        Buffer out = buffer();
        try (JsonGenerator g = Jsonp.GENERATORS.createGenerator(out)) {
            g.writeStartArray();
            for (Reply reply : replies) {
                slot(g, reply, base64);
            }
            g.writeEnd();
        }
        return out.done();
    }

    private static Buffer buffer() {
        Buffer out = BUFFERS.get();
        out.reset();
        return out;
    }

    private static void slot(JsonGenerator g, Reply reply, boolean base64) {
        g.writeStartObject();
        if (reply instanceof Reply.Error error) {
            g.write("error", error.message());
        } else {
            g.writeKey("result");
            value(g, reply, base64);
        }
        g.writeEnd();
    }

    private static void value(JsonGenerator g, Reply reply, boolean base64) {
        if (reply instanceof Reply.Nil) {
            g.writeNull();
        } else if (reply instanceof Reply.Int n) {
            g.write(n.value());
        } else if (reply instanceof Reply.Status s) {
            g.write(base64 ? encode(s.text().getBytes(StandardCharsets.UTF_8)) : s.text());
        } else if (reply instanceof Reply.Bulk b) {
            g.write(base64 ? encode(b.bytes()) : new String(b.bytes(), StandardCharsets.UTF_8));
        } else if (reply instanceof Reply.Error e) {
            g.write(e.message()); // only Lua can nest errors; never encoded
        } else if (reply instanceof Reply.Array a) {
            g.writeStartArray();
            for (Reply item : a.items()) {
                value(g, item, base64);
            }
            g.writeEnd();
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1024);
        }

        Out done() {
            Out out = new Out(buf, count);
            if (buf.length > KEEP) {
                BUFFERS.remove(); // a large reply's buffer is not kept
            }
            return out;
        }
    }
}
