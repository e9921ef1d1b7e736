package dev.tether.keys;

import dev.tether.redis.Reply;
import jakarta.json.stream.JsonGenerator;
import java.util.List;

/** The typed JSON of a value page: text, an array, an object of fields, {member, score} pairs, entries with ids. */
final class Views {

    private Views() {
    }

    static void value(JsonGenerator g, String name, String type, Reply value, Texts t) {
        switch (type) {
            case "string" -> g.write(name, t.string(value));
            case "list", "set" -> {
                g.writeStartArray(name);
                items(value).forEach(item -> g.write(t.string(item)));
                g.writeEnd();
            }
            case "hash" -> {
                g.writeStartObject(name);
                fields(g, items(value), t);
                g.writeEnd();
            }
            case "zset" -> {
                g.writeStartArray(name);
                scored(g, items(value), t);
                g.writeEnd();
            }
            case "stream" -> {
                g.writeStartArray(name);
                items(value).forEach(entry -> entry(g, entry, t));
                g.writeEnd();
            }
            default -> g.writeNull(name); // a module's type: no typed view
        }
    }

    static void fields(JsonGenerator g, List<Reply> flat, Texts t) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            g.write(t.string(flat.get(i)), t.string(flat.get(i + 1)));
        }
    }

    static void scored(JsonGenerator g, List<Reply> flat, Texts t) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            g.writeStartObject().write("member", t.string(flat.get(i)));
            Texts.score(g, "score", KeyStore.text(flat.get(i + 1)));
            g.writeEnd();
        }
    }

    /** One stream entry {@code [id, [f, v, …]]} as {@code {"id":…,"fields":{…}}}. */
    static void entry(JsonGenerator g, Reply entry, Texts t) {
        List<Reply> parts = items(entry);
        g.writeStartObject().write("id", KeyStore.text(parts.get(0)));
        g.writeStartObject("fields");
        fields(g, items(parts.get(1)), t);
        g.writeEnd().writeEnd();
    }

    static void ttl(JsonGenerator g, long ttlMillis) {
        if (ttlMillis < 0) {
            g.writeNull("ttl");
        } else {
            g.write("ttl", (ttlMillis + 999) / 1000);
        }
    }

    static List<Reply> items(Reply reply) {
        return reply instanceof Reply.Array a ? a.items() : List.of();
    }
}
