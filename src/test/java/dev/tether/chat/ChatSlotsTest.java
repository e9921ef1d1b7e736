package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Slots as Redis computes them (values from CLUSTER KEYSLOT on Redis 7). */
class ChatSlotsTest {

    @Test
    void matchesRedis() {
        assertEquals(12182, ChatSlots.of("foo"));
        assertEquals(5061, ChatSlots.of("bar"));
        assertEquals(12739, ChatSlots.of("123456789"));
        assertEquals(ChatSlots.of("user"), ChatSlots.of("x{user}y"));
        assertEquals(ChatSlots.of("a{}b"), ChatSlots.of("a{}b"));
    }
}
