package dev.tether.chat;

import dev.tether.support.Jsonp;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Collection;
import java.util.List;

/** The wire format (JSON-P): frames the server sends, and parsing of what clients send. */
final class ChatJson {

    /** A parsed client frame: its type and text, or an error to answer with. */
    record Inbound(String type, String text, String error) {
    }

    private ChatJson() {
    }

    static Inbound parse(String frame) {
        JsonValue value;
        try (var reader = Jsonp.PROVIDER.createReader(new StringReader(frame))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            return new Inbound(null, null, "malformed JSON");
        }
        if (!(value instanceof JsonObject object)) {
            return new Inbound(null, null, "expected a JSON object");
        }
        JsonValue type = object.getOrDefault("type", Jsonp.PROVIDER.createValue("message"));
        if (!(type instanceof JsonString typeString)) {
            return new Inbound(null, null, "\"type\" must be a string");
        }
        if (!"message".equals(typeString.getString())) {
            return new Inbound(typeString.getString(), null, "unknown type: " + clip(typeString.getString()));
        }
        if (!(object.get("text") instanceof JsonString text)) {
            return new Inbound("message", null, "\"text\" must be a string");
        }
        return new Inbound("message", text.getString(), null);
    }

    static String welcome(String name, String room) {
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "welcome").add("name", name).add("room", room).build().toString();
    }

    static String presence(Collection<String> users) {
        JsonArrayBuilder array = Jsonp.PROVIDER.createArrayBuilder();
        users.forEach(array::add);
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "presence").add("users", array).build().toString();
    }

    static String history(List<ChatMessage> messages) {
        return history(new ChatStore.History(messages, true));
    }

    /** {@code complete} is false when some messages asked for ({@code since}) are no longer in the stream. */
    static String history(ChatStore.History history) {
        JsonArrayBuilder array = Jsonp.PROVIDER.createArrayBuilder();
        history.messages().forEach(m -> array.add(messageObject(m)));
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "history").add("messages", array)
                .add("complete", history.complete()).build().toString();
    }

    /** Whether Redis, where the messages are stored, is reachable: {@code down} then {@code up} again. */
    static String status(boolean up) {
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "status").add("redis", up ? "up" : "down").build().toString();
    }

    /**
     * Messages after {@code after} and before {@code next} were trimmed from the stream before this instance read
     * them (it lagged beyond the stream's retention): they will not arrive.
     */
    static String gap(String after, String next) {
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "gap").add("after", after).add("next", next)
                .build().toString();
    }

    static String message(ChatMessage m) {
        return messageObject(m).build().toString();
    }

    static String joinOrLeave(String type, String name) {
        return Jsonp.PROVIDER.createObjectBuilder().add("type", type).add("name", name).build().toString();
    }

    static String error(String error) {
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "error").add("error", error).build().toString();
    }

    private static JsonObjectBuilder messageObject(ChatMessage m) {
        return Jsonp.PROVIDER.createObjectBuilder().add("type", "message").add("id", m.id()).add("room", m.room())
                .add("from", m.from()).add("text", m.text()).add("ts", m.ts());
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
