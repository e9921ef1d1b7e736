package dev.tether.gateway.webdis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespFramesTest {

    private static List<String> words(String frame) {
        return RespFrames.words(frame.getBytes(StandardCharsets.ISO_8859_1), 8).stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    private static String refusal(String frame) {
        return assertThrows(IllegalArgumentException.class, () -> words(frame)).getMessage();
    }

    @Test
    void bulkStringsAndIntegers() {
        assertEquals(List.of("SET", "k", "v"), words("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"));
        assertEquals(List.of("INCRBY", "k", "-12"), words("*3\r\n$6\r\nINCRBY\r\n$1\r\nk\r\n:-12\r\n"));
        assertEquals(List.of("SET", "k", ""), words("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"));
        byte[] binary = {'*', '2', '\r', '\n', '$', '3', '\r', '\n', 'G', 'E', 'T', '\r', '\n', '$', '2', '\r', '\n',
                (byte) 0xff, '\n', '\r', '\n'};
        assertArrayEquals(new byte[] {(byte) 0xff, '\n'}, RespFrames.words(binary, 8).get(1));
    }

    @Test
    void anythingElseIsRefusedWithTheReason() {
        assertTrue(refusal("GET k").contains("one RESP array"));
        assertTrue(refusal("").contains("one RESP array"));
        assertTrue(refusal("*0\r\n").contains("at least its name"));
        assertTrue(refusal("*2\r\n$3\r\nGET\r\n").contains("ends after 1 items"));
        assertTrue(refusal("*1\r\n$5\r\nGET\r\n").contains("not 5 bytes"));
        assertTrue(refusal("*1\r\n$-1\r\n").contains("nil"));
        assertTrue(refusal("*1\r\n+OK\r\n").contains("not a bulk string"));
        assertTrue(refusal("*1\r\n$3\r\nGET\r\nextra").contains("5 bytes after the command"));
        assertTrue(refusal("*x\r\n").contains("digits"));
        assertTrue(refusal("*1\r\n$99999999999999999999\r\n").contains("digits"));
        assertTrue(refusal("*10\r\n").contains("tether.webdis.max-args"));
        assertTrue(refusal("*1\r\n$0\r\n\r\n").contains("empty"));
    }
}
