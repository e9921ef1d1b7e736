package dev.tether.gateway.webdis;

import dev.tether.redis.Reply;
import dev.tether.support.Jsonp;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Webdis's JSON (formats/json.c): {@code {"<command as sent>": value}}. Bulk → string, integer → number, nil →
 * null, array → array, status → {@code [true,"OK"]}, error → {@code [false,"ERR …"]} (answered 200, as Webdis
 * does); inside arrays a status or error is null, as in Webdis. HGETALL becomes an object, INFO an object of its
 * {@code key:value} lines. JSONP: {@code f(…);} and a newline.
 */
final class JsonFormat implements WebdisFormat {

    @Override
    public Rendered render(WebdisRequest request, Reply reply) {
        return new Rendered(200, request.type() != null ? request.type() : "application/json", bytes(request.name(), request.command().name(), reply,
                request.jsonp()));
    }

    static byte[] bytes(String key, String upperName, Reply reply, String jsonp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        if (jsonp != null) {
            out.writeBytes(jsonp.getBytes(StandardCharsets.US_ASCII));
            out.write('(');
        }
        try (JsonGenerator g = Jsonp.GENERATORS.createGenerator(out)) {
            g.writeStartObject();
            g.writeKey(key);
            top(g, upperName, reply);
            g.writeEnd();
        }
        if (jsonp != null) {
            out.writeBytes(");\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static void top(JsonGenerator g, String upperName, Reply reply) {
        if (reply instanceof Reply.Status s) {
            g.writeStartArray().write(true).write(s.text()).writeEnd();
        } else if (reply instanceof Reply.Error e) {
            g.writeStartArray().write(false).write(e.message()).writeEnd();
        } else if (reply instanceof Reply.Array a && upperName.equals("HGETALL")) {
            object(g, a.items());
        } else if (reply instanceof Reply.Bulk b && upperName.equals("INFO")) {
            info(g, new String(b.bytes(), StandardCharsets.UTF_8));
        } else {
            value(g, reply);
        }
    }

    static void value(JsonGenerator g, Reply reply) {
        if (reply instanceof Reply.Bulk b) {
            g.write(new String(b.bytes(), StandardCharsets.UTF_8));
        } else if (reply instanceof Reply.Int n) {
            g.write(n.value());
        } else if (reply instanceof Reply.Array a) {
            g.writeStartArray();
            for (Reply item : a.items()) {
                value(g, item);
            }
            g.writeEnd();
        } else {
            g.writeNull(); // nil, and a status or error inside an array (Webdis has no slot shape for them)
        }
    }

    private static void object(JsonGenerator g, List<Reply> items) {
        g.writeStartObject();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            g.writeKey(items.get(i) instanceof Reply.Bulk k ? new String(k.bytes(), StandardCharsets.UTF_8)
                    : String.valueOf(items.get(i)));
            value(g, items.get(i + 1));
        }
        g.writeEnd();
    }

    private static void info(JsonGenerator g, String text) {
        g.writeStartObject();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon);
            if (seen.add(key)) { // JSON-P refuses a key twice
                g.write(key, line.substring(colon + 1));
            }
        }
        g.writeEnd();
    }
}
