package dev.tether.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypedValuesTest {

    static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    static JsonValue json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    @Test
    void largeValuesAreChunkedBelowLuasUnpackLimit() {
        JsonObjectBuilder hash = Json.createObjectBuilder();
        for (int i = 0; i < 10_000; i++) {
            hash.add("f" + i, "v" + i);
        }
        List<Command> commands = TypedValues.commands(KEY, "hash", hash.build(), false);
        assertEquals(20, commands.size());
        assertTrue(commands.stream().allMatch(c -> c.name().equals("HSET") && c.args().size() <= 1 + 2 * TypedValues.CHUNK));
        assertEquals(20 + 20_000, commands.stream().mapToInt(c -> c.args().size()).sum()); // a key per command

        JsonArrayBuilder list = Json.createArrayBuilder();
        for (int i = 0; i < 1000; i++) {
            list.add(i);
        }
        List<Command> pushes = TypedValues.commands(KEY, "list", list.build(), false);
        assertEquals(2, pushes.size());
        assertEquals("999", pushes.get(1).text(pushes.get(1).args().size() - 1));
    }

    @Test
    void scoresAreCheckedBeforeRedisSeesThem() {
        assertEquals("1.5", TypedValues.parseScore("1.5", "x"));
        assertEquals("-inf", TypedValues.parseScore("-INF", "x"));
        assertEquals("1e3", TypedValues.parseScore("1e3", "x"));
        for (String bad : List.of("nan", "NaN", "", "1.", "abc", "Infinity", "0x10")) {
            assertThrows(GatewayException.class, () -> TypedValues.parseScore(bad, "x"), bad);
        }
        List<Command> zadd = TypedValues.commands(KEY, "zset", json("{\"a\":2,\"b\":\"-1.5\"}"), false);
        assertEquals(List.of("k", "2", "a", "-1.5", "b"), zadd.get(0).args().stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList());
    }

    @Test
    void streamIdsMustIncrease() {
        assertEquals(2, TypedValues.commands(KEY, "stream",
                json("[{\"id\":\"1-1\",\"fields\":{\"a\":\"1\"}},{\"id\":\"1-2\",\"fields\":{\"a\":\"2\"}}]"), false).size());
        assertThrows(GatewayException.class, () -> TypedValues.commands(KEY, "stream",
                json("[{\"id\":\"2-0\",\"fields\":{\"a\":\"1\"}},{\"id\":\"1-9\",\"fields\":{\"a\":\"2\"}}]"), false));
        assertThrows(GatewayException.class, () -> TypedValues.commands(KEY, "stream",
                json("[{\"id\":\"0-0\",\"fields\":{\"a\":\"1\"}}]"), false));
        assertThrows(GatewayException.class, () -> TypedValues.commands(KEY, "stream",
                json("[{\"id\":\"x\",\"fields\":{\"a\":\"1\"}}]"), false));
        assertThrows(GatewayException.class, () -> TypedValues.commands(KEY, "stream", json("[{\"fields\":{}}]"), false));
    }

    @Test
    void base64ValuesAreDecodedAndBadBase64Refused() {
        Command set = TypedValues.commands(KEY, "string", json("\"/wA=\""), true).get(0);
        assertEquals(2, set.args().get(1).length);
        assertEquals((byte) 0xff, set.args().get(1)[0]);
        GatewayException e = assertThrows(GatewayException.class,
                () -> TypedValues.commands(KEY, "string", json("\"***\""), true));
        assertTrue(e.getMessage().contains("base64"));
    }
}
