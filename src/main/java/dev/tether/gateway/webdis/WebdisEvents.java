package dev.tether.gateway.webdis;

import dev.tether.pubsub.EventFormat;
import dev.tether.pubsub.Topic;
import dev.tether.redis.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Webdis's pub/sub events, one chunk each: JSON {@code {"SUBSCRIBE":["message","ch","hi"]}} (keyed by the command
 * as sent, JSONP-wrapped when asked) or, for {@code .raw}, the RESP arrays Webdis relays. No keep-alives or notices
 * (Webdis sends none, and its clients parse every chunk); a stream the server ends gets
 * {@code {"SUBSCRIBE":[false,"<reason>"]}} last. Instances are shared per shape so each message is encoded once.
 */
final class WebdisEvents implements EventFormat {

    private static final Map<String, WebdisEvents> SHARED = new ConcurrentHashMap<>();
    private static final byte[] NOTHING = new byte[0];

    private final String key;
    private final String jsonp;
    private final boolean raw;

    private WebdisEvents(String key, String jsonp, boolean raw) {
        this.key = key;
        this.jsonp = jsonp;
        this.raw = raw;
    }

    static WebdisEvents of(String key, String jsonp, boolean raw) {
        String id = (raw ? "r:" : "j:") + key + "\n" + (jsonp == null ? "" : jsonp);
        WebdisEvents shared = SHARED.get(id);
        if (shared != null) {
            return shared;
        }
        WebdisEvents made = new WebdisEvents(key, raw ? null : jsonp, raw);
        return SHARED.size() < 1024 ? SHARED.computeIfAbsent(id, k -> made) : made; // callbacks are caller-chosen
    }

    @Override
    public byte[] subscribed(Topic topic, int count) {
        return encode(bulk(topic.pattern() ? "psubscribe" : "subscribe"), bulk(topic.name()),
                raw ? bulk(Integer.toString(count)) : new Reply.Int(count));
    }

    @Override
    public byte[] message(String channel, byte[] payload) {
        return encode(bulk("message"), bulk(channel), new Reply.Bulk(payload));
    }

    @Override
    public byte[] patternMessage(String pattern, String channel, byte[] payload) {
        return encode(bulk("pmessage"), bulk(pattern), bulk(channel), new Reply.Bulk(payload));
    }

    @Override
    public byte[] notice(String text) {
        return NOTHING;
    }

    @Override
    public byte[] keepAlive() {
        return NOTHING;
    }

    @Override
    public byte[] closing(List<Topic> topics, String reason) {
        Reply error = new Reply.Error(reason);
        return raw ? RawFormat.bytes(error) : JsonFormat.bytes(key, "", error, jsonp);
    }

    private byte[] encode(Reply... items) {
        Reply array = new Reply.Array(List.of(items));
        return raw ? RawFormat.bytes(array) : JsonFormat.bytes(key, "", array, jsonp);
    }

    private static Reply bulk(String text) {
        return new Reply.Bulk(text.getBytes(StandardCharsets.UTF_8));
    }
}
