package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatJsonTest {

    @Test
    void typeDefaultsToMessage() {
        assertEquals(new ChatJson.Inbound("message", "hi", null), ChatJson.parse("{\"text\":\"hi\"}"));
        assertEquals(new ChatJson.Inbound("message", "hi", null), ChatJson.parse("{\"type\":\"message\",\"text\":\"hi\"}"));
    }

    @Test
    void errors() {
        assertEquals("malformed JSON", ChatJson.parse("{").error());
        assertEquals("malformed JSON", ChatJson.parse("").error());
        assertEquals("expected a JSON object", ChatJson.parse("\"hi\"").error());
        assertEquals("unknown type: typing", ChatJson.parse("{\"type\":\"typing\"}").error());
        assertEquals("\"type\" must be a string", ChatJson.parse("{\"type\":1}").error());
        assertEquals("\"text\" must be a string", ChatJson.parse("{\"text\":null}").error());
        assertNull(ChatJson.parse("{\"text\":\"\"}").error());
    }

    @Test
    void outgoingFramesEscapeText() {
        ChatMessage m = new ChatMessage("1-0", "r", "a\"b", "<img src=x>\n", 1);
        assertEquals("{\"type\":\"message\",\"id\":\"1-0\",\"room\":\"r\",\"from\":\"a\\\"b\",\"text\":\"<img src=x>\\n\",\"ts\":1}",
                ChatJson.message(m));
        assertEquals("{\"type\":\"history\",\"messages\":[" + ChatJson.message(m) + "],\"complete\":true}", ChatJson.history(List.of(m)));
        assertEquals("{\"type\":\"presence\",\"users\":[\"a\",\"b\"]}", ChatJson.presence(List.of("a", "b")));
    }
}
