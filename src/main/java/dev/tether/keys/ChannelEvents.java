package dev.tether.keys;

import dev.tether.pubsub.EventFormat;
import dev.tether.pubsub.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Server-Sent Events of {@code /api/channels/{channel}/events}: named events with one JSON line of data each —
 * {@code subscribe} {"channel","count"}, {@code message} {"channel","message"[,"encoding":"base64"]} and a last
 * {@code error} {"error"} when the server ends the stream. No {@code id:} lines: Redis pub/sub keeps nothing to
 * resume from, so {@code Last-Event-ID} means nothing here.
 */
final class ChannelEvents implements EventFormat {

    static final ChannelEvents INSTANCE = new ChannelEvents();
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public byte[] subscribed(Topic topic, int count) {
        return event("subscribe", Texts.json(g -> g.writeStartObject().write("channel", topic.name())
                .write("count", count).writeEnd()));
    }

    @Override
    public byte[] message(String channel, byte[] payload) {
        boolean text = Texts.utf8(payload);
        return event("message", Texts.json(g -> {
            g.writeStartObject().write("channel", channel);
            if (text) {
                g.write("message", new String(payload, StandardCharsets.UTF_8));
            } else {
                g.write("message", Base64.getEncoder().encodeToString(payload)).write("encoding", "base64");
            }
            g.writeEnd();
        }));
    }

    @Override
    public byte[] patternMessage(String pattern, String channel, byte[] payload) {
        return message(channel, payload);
    }

    @Override
    public byte[] notice(String text) {
        return (": " + text.replace('\r', ' ').replace('\n', ' ') + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] keepAlive() {
        return KEEP_ALIVE;
    }

    @Override
    public byte[] closing(List<Topic> topics, String reason) {
        return event("error", Texts.json(g -> g.writeStartObject().write("error", reason).writeEnd()));
    }

    /** JSON-P writes no raw line breaks, so the data is one line. */
    private static byte[] event(String name, byte[] json) {
        byte[] head = ("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
