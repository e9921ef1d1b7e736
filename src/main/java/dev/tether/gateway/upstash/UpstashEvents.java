package dev.tether.gateway.upstash;

import dev.tether.pubsub.EventFormat;
import dev.tether.pubsub.Topic;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Upstash's pub/sub events as Server-Sent Events, one {@code data:} line each, as {@code @upstash/redis} parses
 * them: {@code subscribe,<ch>,<n>}, {@code message,<ch>,<payload>}, {@code psubscribe,<p>,<n>},
 * {@code pmessage,<p>,<ch>,<payload>}; notices and keep-alives are SSE comments, which clients ignore; the last event
 * of a stream the server ends is {@code error,<first channel>,<reason>}. A payload with line breaks becomes several
 * {@code data:} lines (EventSource joins them with \n); bytes that are not UTF-8 arrive as U+FFFD.
 */
final class UpstashEvents implements EventFormat {

    static final UpstashEvents INSTANCE = new UpstashEvents();
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public byte[] subscribed(Topic topic, int count) {
        return data((topic.pattern() ? "psubscribe," : topic.sharded() ? "ssubscribe," : "subscribe,") + topic.name()
                + "," + count);
    }

    @Override
    public byte[] message(String channel, byte[] payload) {
        return data("message," + channel + "," + new String(payload, StandardCharsets.UTF_8));
    }

    @Override
    public byte[] patternMessage(String pattern, String channel, byte[] payload) {
        return data("pmessage," + pattern + "," + channel + "," + new String(payload, StandardCharsets.UTF_8));
    }

    @Override
    public byte[] notice(String text) {
        return (": " + oneLine(text) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] keepAlive() {
        return KEEP_ALIVE;
    }

    @Override
    public byte[] closing(List<Topic> topics, String reason) {
        return data("error," + topics.get(0).name() + "," + oneLine(reason));
    }

    /** One event: each line of {@code text} (split at CR, LF or CRLF, as SSE does) as a {@code data:} line. */
    static byte[] data(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '\n';
            if (c == '\n' || c == '\r') {
                out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(text.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
