package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
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

    @Test
    void aFrameMadeOnceIsAnUnmaskedFinalTextFrameWithTheRightLengthField() {
        for (int n : new int[] {0, 125, 126, 65_535, 65_536}) {
            String text = "é".repeat(n / 2) + "a".repeat(n % 2);
            ByteBuffer wire = Outbox.Frame.of(text).wire();
            assertEquals(0x81, wire.get() & 0xff, "FIN and the text opcode");
            int b = wire.get() & 0xff;
            long length = b < 126 ? b : b == 126 ? wire.getShort() & 0xffff : wire.getLong();
            assertEquals(n, length, "payload length of " + n + " bytes (mask bit clear)");
            byte[] payload = new byte[wire.remaining()];
            wire.get(payload);
            assertEquals(text, new String(payload, StandardCharsets.UTF_8));
        }
        Outbox.Frame shared = Outbox.Frame.of("x");
        ByteBuffer first = shared.wire();
        first.get();
        assertEquals(0, shared.wire().position(), "each send gets its own view of the same bytes");
    }
}
