package dev.tether.keys;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A typed value from JSON ({@code {"type":"hash","value":{…}}}) as the commands that build it. Everything is checked
 * here, so the write script never meets a command Redis would refuse halfway. Large values go in chunks (Lua's
 * unpack takes a few thousand arguments at most).
 */
final class TypedValues {

    static final int CHUNK = 512;
    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,20}-\\d{1,20}|\\d{1,20}|\\*");

    private TypedValues() {
    }

    static List<Command> commands(byte[] key, String type, JsonValue value, boolean base64) {
        return switch (type) {
            case "string" -> List.of(new Command("SET", List.of(key, bytes(value, base64, "value"))));
            case "list" -> chunked("RPUSH", key, strings(array(value, "a list"), base64), 1);
            case "set" -> chunked("SADD", key, strings(array(value, "a set"), base64), 1);
            case "hash" -> hash(key, value, base64);
            case "zset" -> zset(key, value, base64);
            case "stream" -> stream(key, value, base64);
            default -> throw GatewayException.bad("unknown type '" + type
                    + "': use string, list, hash, set, zset or stream");
        };
    }

    /** A scalar as bytes: a string (base64-decoded when asked) or a number's JSON text. */
    static byte[] bytes(JsonValue value, boolean base64, String what) {
        if (value instanceof JsonString s) {
            if (!base64) {
                return s.getString().getBytes(StandardCharsets.UTF_8);
            }
            try {
                return Base64.getDecoder().decode(s.getString());
            } catch (IllegalArgumentException e) {
                throw GatewayException.bad(what + " is not valid base64 (\"encoding\":\"base64\")");
            }
        }
        if (value instanceof JsonNumber n) {
            return n.toString().getBytes(StandardCharsets.US_ASCII);
        }
        throw GatewayException.bad(what + " must be a string or a number, got " + (value == null ? "nothing"
                : value.getValueType().toString().toLowerCase()));
    }

    private static JsonArray array(JsonValue value, String what) {
        if (!(value instanceof JsonArray a)) {
            throw GatewayException.bad("the value of " + what + " must be a JSON array");
        }
        if (a.isEmpty()) {
            throw GatewayException.bad("an empty collection cannot exist in Redis: DELETE the key instead");
        }
        return a;
    }

    private static List<byte[]> strings(JsonArray array, boolean base64) {
        List<byte[]> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(bytes(array.get(i), base64, "item " + i));
        }
        return out;
    }

    private static List<Command> hash(byte[] key, JsonValue value, boolean base64) {
        if (!(value instanceof JsonObject o)) {
            throw GatewayException.bad("the value of a hash must be a JSON object of fields");
        }
        if (o.isEmpty()) {
            throw GatewayException.bad("an empty collection cannot exist in Redis: DELETE the key instead");
        }
        List<byte[]> words = new ArrayList<>(o.size() * 2);
        for (Map.Entry<String, JsonValue> e : o.entrySet()) {
            words.add(base64 ? bytes(Json.string(e.getKey()), true, "field name") : e.getKey().getBytes(StandardCharsets.UTF_8));
            words.add(bytes(e.getValue(), base64, "field " + e.getKey()));
        }
        return chunked("HSET", key, words, 2);
    }

    /** {@code [{"member":"a","score":1}]} or {@code {"a":1}}. */
    private static List<Command> zset(byte[] key, JsonValue value, boolean base64) {
        List<byte[]> words = new ArrayList<>();
        if (value instanceof JsonObject o && !o.isEmpty()) {
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                words.add(score(e.getValue(), e.getKey()));
                words.add(base64 ? bytes(Json.string(e.getKey()), true, "member") : e.getKey().getBytes(StandardCharsets.UTF_8));
            }
        } else if (value instanceof JsonArray a && !a.isEmpty()) {
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof JsonObject m) || !m.containsKey("member")) {
                    throw GatewayException.bad("item " + i + " of a zset must be {\"member\":…,\"score\":…}");
                }
                words.add(score(m.get("score"), "item " + i));
                words.add(bytes(m.get("member"), base64, "member of item " + i));
            }
        } else {
            throw GatewayException.bad("the value of a zset must be a non-empty array of {\"member\",\"score\"} "
                    + "or an object of member: score");
        }
        return chunked("ZADD", key, words, 2);
    }

    static byte[] score(JsonValue value, String what) {
        String text = value instanceof JsonNumber n ? n.toString()
                : value instanceof JsonString s ? s.getString() : null;
        if (text == null) {
            throw GatewayException.bad("the score of " + what + " must be a number");
        }
        return parseScore(text, what).getBytes(StandardCharsets.US_ASCII);
    }

    /** A score Redis accepts: a finite number, or inf / -inf / +inf. */
    static String parseScore(String text, String what) {
        String t = text.trim();
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("+inf") || t.equalsIgnoreCase("-inf")) {
            return t.toLowerCase();
        }
        try {
            double d = Double.parseDouble(t);
            if (Double.isFinite(d) && !t.isEmpty() && Character.isDigit(t.charAt(t.length() - 1))) {
                return t;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw GatewayException.bad("the score of " + what + " must be a finite number (or inf, -inf), got '" + text + "'");
    }

    /** {@code [{"id":"1-1","fields":{"a":"1"}}, {"fields":{…}}]}: ids optional ("*"), increasing when given. */
    private static List<Command> stream(byte[] key, JsonValue value, boolean base64) {
        JsonArray entries = array(value, "a stream");
        List<Command> commands = new ArrayList<>(entries.size());
        long[] last = {0, 0};
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof JsonObject entry) || !(entry.get("fields") instanceof JsonObject fields)
                    || fields.isEmpty()) {
                throw GatewayException.bad("entry " + i + " of a stream must be {\"id\"?:…,\"fields\":{…}} with fields");
            }
            String id = entry.get("id") instanceof JsonString s ? s.getString() : "*";
            if (!id.equals("*")) {
                long[] parsed = streamId(id, "entry " + i);
                if (parsed[0] < last[0] || (parsed[0] == last[0] && parsed[1] <= last[1])) {
                    throw GatewayException.bad("the id of entry " + i + " (" + id + ") must be greater than the one "
                            + "before it (and than 0-0)");
                }
                last = parsed;
            }
            commands.add(xadd(key, id, fields, base64));
        }
        return commands;
    }

    static Command xadd(byte[] key, String id, JsonObject fields, boolean base64) {
        List<byte[]> args = new ArrayList<>(2 + fields.size() * 2);
        args.add(key);
        args.add(id.getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, JsonValue> f : fields.entrySet()) {
            args.add(base64 ? bytes(Json.string(f.getKey()), true, "field name") : f.getKey().getBytes(StandardCharsets.UTF_8));
            args.add(bytes(f.getValue(), base64, "field " + f.getKey()));
        }
        return new Command("XADD", args);
    }

    /** A stream id as {ms, seq}; 400 when malformed. */
    static long[] streamId(String id, String what) {
        if (!STREAM_ID.matcher(id).matches() || id.equals("*")) {
            throw GatewayException.bad("the id of " + what + " must look like 1700000000000-0, got '" + id + "'");
        }
        String[] parts = id.split("-");
        try {
            return new long[] {Long.parseUnsignedLong(parts[0]), parts.length > 1 ? Long.parseUnsignedLong(parts[1]) : 0};
        } catch (NumberFormatException e) {
            throw GatewayException.bad("the id of " + what + " is out of range: '" + id + "'");
        }
    }

    private static List<Command> chunked(String name, byte[] key, List<byte[]> words, int group) {
        List<Command> commands = new ArrayList<>();
        int step = CHUNK * group;
        for (int from = 0; from < words.size(); from += step) {
            List<byte[]> args = new ArrayList<>(1 + Math.min(step, words.size() - from));
            args.add(key);
            args.addAll(words.subList(from, Math.min(words.size(), from + step)));
            commands.add(new Command(name, args));
        }
        return commands;
    }

    /** JSON-P helpers that need no provider lookup. */
    static final class Json {
        private Json() {
        }

        static JsonString string(String s) {
            return dev.tether.support.Jsonp.PROVIDER.createValue(s);
        }
    }
}
