package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxTest {

    @Test
    void waitingFramesMergeIntoOneArrayOfTheirEventsInOrder() {
        Outbox.Frame one = Outbox.Frame.of("{\"type\":\"message\",\"text\":\"a\"}");
        Outbox.Frame batch = Outbox.Frame.of("[{\"type\":\"join\",\"name\":\"b\"},{\"type\":\"message\",\"text\":\"c\"}]");
        assertEquals("[{\"type\":\"message\",\"text\":\"a\"},{\"type\":\"join\",\"name\":\"b\"},{\"type\":\"message\",\"text\":\"c\"},"
                + "{\"type\":\"message\",\"text\":\"a\"}]", Outbox.merge(new Outbox.Frame[] {one, batch, one}));
    }

    @Test
    void utf8LengthMatchesTheEncoder() {
        for (String s : new String[] {"", "ascii", "é", "€", "日本語", "😀x", "a\uD800b", "\uDC00", "mixed é€😀 text"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Outbox.utf8Length(s), s);
        }
    }
}
