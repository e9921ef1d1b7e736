package dev.tether.gateway.upstash;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.BodyLimit;
import dev.tether.support.Jsonp;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses the Upstash request forms: a JSON command array, an array of them, or the path style. */
final class UpstashRequests {

    private UpstashRequests() {
    }

    static boolean base64(String encodingHeader) {
        if (encodingHeader == null || encodingHeader.isBlank()) {
            return false;
        }
        if (encodingHeader.trim().toLowerCase(Locale.ROOT).equals("base64")) {
            return true;
        }
        throw GatewayException.bad("unsupported Upstash-Encoding '" + encodingHeader + "': use base64 or leave it out");
    }

    /** The {@code _token} query parameter, read from the raw query so a form body is never consumed. */
    static String queryToken(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("_token=")) {
                return new String(formDecode(pair.substring(7)), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static Command command(byte[] body) {
        return command(new BodyLimit.Body(body, body.length));
    }

    static Command command(BodyLimit.Body body) {
        Command simple = simple(body.bytes(), body.length());
        return simple != null ? simple : parsed(body);
    }

    /** The body read by the JSON parser, whatever its form. */
    static Command parsed(BodyLimit.Body body) {
        return command(root(body), "the body");
    }

    /**
     * The body as almost every client sends it, {@code ["SET","k","v"]} with ASCII strings and no escapes, read
     * without a JSON parser (measured: JSON-P's reader was 7% of a request's CPU); null for anything else, which the
     * full parser then reads, errors included.
     */
    static Command simple(byte[] b, int length) {
        int i = skipSpace(b, 0, length);
        if (i == length || b[i] != '[') {
            return null;
        }
        List<byte[]> words = new ArrayList<>(4);
        boolean comma = false;
        i = skipSpace(b, i + 1, length);
        while (i < length && b[i] == '"') {
            int start = ++i;
            while (i < length && b[i] != '"') {
                if (b[i] == '\\' || b[i] < 0x20) { // an escape, a control or a non-ASCII byte (negative)
                    return null;
                }
                i++;
            }
            if (i == length) {
                return null;
            }
            words.add(java.util.Arrays.copyOfRange(b, start, i));
            i = skipSpace(b, i + 1, length);
            comma = i < length && b[i] == ',';
            if (comma) {
                i = skipSpace(b, i + 1, length);
            } else {
                break;
            }
        }
        if (comma || i == length || b[i] != ']' || skipSpace(b, i + 1, length) != length || words.isEmpty()
                || words.get(0).length == 0) {
            return null;
        }
        String name = new String(words.get(0), StandardCharsets.US_ASCII);
        return name.isBlank() ? null : new Command(name, words.subList(1, words.size()));
    }

    private static int skipSpace(byte[] b, int i, int length) {
        while (i < length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    static List<Command> commands(byte[] body) {
        return commands(new BodyLimit.Body(body, body.length));
    }

    static List<Command> commands(BodyLimit.Body body) {
        JsonArray list = root(body);
        if (list.isEmpty()) {
            throw GatewayException.bad("empty pipeline: send an array of commands, e.g. [[\"GET\",\"k\"]]");
        }
        List<Command> commands = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof JsonArray array)) {
                throw GatewayException.bad("command " + i + " is not an array: send [[\"SET\",\"k\",\"v\"], …]");
            }
            commands.add(command(array, "command " + i));
        }
        return commands;
    }

    /** {@code /set/k/v?EX=100}: percent-decoded path segments, then query parameters as NAME value pairs. */
    static Command path(String rawPath, String rawQuery, byte[] body) {
        String[] segments = rawPath.split("/", -1);
        List<byte[]> words = new ArrayList<>();
        for (String segment : segments) {
            words.add(percentDecode(segment));
        }
        while (!words.isEmpty() && words.get(0).length == 0) {
            words.remove(0);
        }
        if (!words.isEmpty() && words.get(words.size() - 1).length == 0) {
            words.remove(words.size() - 1); // a trailing slash
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (name.isEmpty() || name.equals("_token")) {
                    continue;
                }
                words.add(formDecode(name));
                if (eq >= 0 && eq < pair.length() - 1) {
                    words.add(formDecode(pair.substring(eq + 1)));
                }
            }
        }
        if (body != null && body.length > 0) {
            words.add(body);
        }
        if (words.isEmpty()) {
            throw GatewayException.bad("no command: POST a JSON array such as [\"GET\",\"k\"] or use /redis/get/k");
        }
        return new Command(new String(words.get(0), StandardCharsets.UTF_8), words.subList(1, words.size()));
    }

    private static JsonArray root(BodyLimit.Body body) {
        if (body.length() == 0) {
            throw GatewayException.bad("empty body: send a JSON array such as [\"GET\",\"k\"]");
        }
        JsonValue value;
        try (JsonReader reader = Jsonp.READERS.createReader(new ByteArrayInputStream(body.bytes(), 0, body.length()))) {
            value = reader.readValue();
        } catch (JsonParsingException e) {
            throw GatewayException.bad("malformed JSON: " + e.getMessage());
        } catch (jakarta.json.JsonException e) {
            throw GatewayException.bad("malformed JSON: " + e.getMessage());
        }
        if (!(value instanceof JsonArray array)) {
            throw GatewayException.bad("expected a JSON array such as [\"GET\",\"k\"], got " + value.getValueType());
        }
        return array;
    }

    private static Command command(JsonArray array, String where) {
        if (array.isEmpty()) {
            throw GatewayException.bad(where + " is an empty array: the first element must be the command name");
        }
        List<byte[]> words = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonValue v = array.get(i);
            words.add(switch (v.getValueType()) {
                case STRING -> ((JsonString) v).getString().getBytes(StandardCharsets.UTF_8);
                case NUMBER -> ((JsonNumber) v).toString().getBytes(StandardCharsets.US_ASCII);
                case TRUE -> "true".getBytes(StandardCharsets.US_ASCII);
                case FALSE -> "false".getBytes(StandardCharsets.US_ASCII);
                default -> throw GatewayException.bad(where + ": element " + i + " is " + v.getValueType()
                        + "; only strings, numbers and booleans are arguments");
            });
        }
        String name = new String(words.get(0), StandardCharsets.UTF_8);
        if (name.isBlank()) {
            throw GatewayException.bad(where + ": the command name is empty");
        }
        return new Command(name, words.subList(1, words.size()));
    }

    /** Percent-decoding for path segments: '+' stays '+', bytes stay bytes (values need not be UTF-8). */
    static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
                out.write(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] formDecode(String s) {
        return percentDecode(s.replace('+', ' '));
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
