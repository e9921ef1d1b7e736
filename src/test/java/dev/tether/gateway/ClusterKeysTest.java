package dev.tether.gateway;

import dev.tether.redis.Slots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slots, key positions from key specs, and the cluster's SCAN cursor, checked against values Redis documents. */
class ClusterKeysTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void slotsAreCrc16OfTheKeyOrItsHashTag() {
        assertEquals(12739, Slots.of(b("123456789")), "CRC16/XMODEM check value 0x31C3 mod 16384");
        assertEquals(12182, Slots.of(b("foo")), "CLUSTER KEYSLOT foo");
        assertEquals(5061, Slots.of(b("bar")), "CLUSTER KEYSLOT bar");
        assertEquals(Slots.of(b("user1000")), Slots.of(b("{user1000}.following")));
        assertEquals(Slots.of(b("{user1000}.following")), Slots.of(b("{user1000}.followers")));
        assertEquals(Slots.of(b("foo{}{bar}")), Slots.of(b("foo{}{bar}")), "an empty tag: the whole key");
        assertEquals(Slots.of(b("{bar")), Slots.of(b("{bar")));
        assertEquals(Slots.of(b("bar")), Slots.of(b("foo{bar}{zap}")), "the first tag counts");
        assertEquals(-1, Slots.common(List.of()));
        assertEquals(-2, Slots.common(List.of(b("a"), b("b"))));
        assertEquals(Slots.of(b("t")), Slots.common(List.of(b("{t}a"), b("{t}b"))));
    }

    private static List<String> keys(KeySpec spec, String... words) {
        List<byte[]> w = Arrays.stream(words).map(ClusterKeysTest::b).toList();
        List<Integer> at = new ArrayList<>();
        spec.positions(w, at);
        return at.stream().map(i -> words[i]).toList();
    }

    @Test
    void keySpecsFindTheKeysAsRedisDoes() {
        KeySpec get = new KeySpec(KeySpec.BeginSearch.INDEX, 1, null, 0, KeySpec.FindKeys.RANGE, 0, 1, 0, 0, 0);
        assertEquals(List.of("k"), keys(get, "GET", "k"));
        KeySpec mset = new KeySpec(KeySpec.BeginSearch.INDEX, 1, null, 0, KeySpec.FindKeys.RANGE, -1, 2, 0, 0, 0);
        assertEquals(List.of("a", "b"), keys(mset, "MSET", "a", "1", "b", "2"));
        KeySpec eval = new KeySpec(KeySpec.BeginSearch.INDEX, 2, null, 0, KeySpec.FindKeys.KEYNUM, 0, 1, 0, 0, 1);
        assertEquals(List.of("k1", "k2"), keys(eval, "EVAL", "return 1", "2", "k1", "k2", "argv"));
        assertEquals(List.of(), keys(eval, "EVAL", "return 1", "0", "argv"));
        KeySpec streams = new KeySpec(KeySpec.BeginSearch.KEYWORD, 0, "STREAMS", 1, KeySpec.FindKeys.RANGE, -1, 1, 2, 0, 0);
        assertEquals(List.of("s1", "s2"), keys(streams, "XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"));
        assertEquals(List.of(), keys(streams, "XREAD", "COUNT", "2"));
        KeySpec legacy = KeySpec.legacy(1, -1, 1);
        assertEquals(List.of("a", "b", "c"), keys(legacy, "DEL", "a", "b", "c"));
        KeySpec storeKeyword = new KeySpec(KeySpec.BeginSearch.KEYWORD, 0, "STORE", -2, KeySpec.FindKeys.RANGE, 0, 1, 0, 0, 0);
        assertEquals(List.of("dst"), keys(storeKeyword, "GEORADIUS", "src", "1", "2", "3", "m", "STORE", "dst"));
    }

    @Test
    void theScanCursorNamesANodeBySlotAndStaysADecimalNumber() {
        assertEquals(ScanCursor.START, ScanCursor.parse("0"));
        ScanCursor c = new ScanCursor(new java.math.BigInteger("18446744073709551615"), 10923);
        assertEquals(c, ScanCursor.parse(c.text()), "a node cursor of 2^64-1 survives");
        assertEquals("2058923", new ScanCursor(java.math.BigInteger.valueOf(125), 10923).text());
        assertNull(ScanCursor.parse("abc"));
        assertNull(ScanCursor.parse("-1"));
    }
}
