package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void rooms() {
        assertTrue(Names.validRoom("lobby_1-A"));
        assertTrue(Names.validRoom("r".repeat(64)));
        assertFalse(Names.validRoom("r".repeat(65)));
        assertFalse(Names.validRoom(""));
        assertFalse(Names.validRoom("a b"));
        assertFalse(Names.validRoom("café"));
        assertFalse(Names.validRoom(null));
    }

    @Test
    void namesAreTrimmedPrintableAndAtMost32CodePoints() {
        assertEquals("alice", Names.cleanName("  alice \t"));
        assertEquals("Zoë 🙂", Names.cleanName("Zoë 🙂"));
        assertEquals("🙂".repeat(32), Names.cleanName("🙂".repeat(32)));
        assertNull(Names.cleanName("🙂".repeat(33)));
        assertNull(Names.cleanName("   "));
        assertNull(Names.cleanName(null));
        assertNull(Names.cleanName("a\u0000b"));
        assertNull(Names.cleanName("a\nb"));
        assertNull(Names.cleanName("a\u202Eb")); // right-to-left override (format character)
    }

    @Test
    void suffixesKeepTheLimit() {
        assertEquals("alice-2", Names.withSuffix("alice", 2));
        String long32 = "n".repeat(32);
        assertEquals("n".repeat(29) + "-12", Names.withSuffix(long32, 12));
        assertEquals(32, Names.withSuffix(long32, 12).length());
    }
}
