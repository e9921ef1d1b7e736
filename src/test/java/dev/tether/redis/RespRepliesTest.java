package dev.tether.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespRepliesTest {

    static Reply read(String resp) {
        ByteBuf in = Unpooled.copiedBuffer(resp, StandardCharsets.UTF_8);
        Reply reply = RespReplies.read(in);
        assertEquals(0, in.readableBytes(), "the whole reply is consumed");
        return reply;
    }

    @Test
    void nilBulkNilArrayAndEmptyArrayStayApartAtEveryDepth() {
        assertSame(Reply.NIL, read("$-1\r\n"));
        assertSame(Reply.NIL_ARRAY, read("*-1\r\n"));
        assertEquals(new Reply.Array(List.of()), read("*0\r\n"));
        // GEOPOS k missing: one nil array inside the outer array
        assertEquals(new Reply.Array(List.of(Reply.NIL_ARRAY)), read("*1\r\n*-1\r\n"));
        Reply nested = read("*3\r\n*0\r\n*-1\r\n*2\r\n$-1\r\n*1\r\n*0\r\n");
        assertEquals(new Reply.Array(List.of(new Reply.Array(List.of()), Reply.NIL_ARRAY,
                new Reply.Array(List.of(Reply.NIL, new Reply.Array(List.of(new Reply.Array(List.of()))))))), nested);
    }

    @Test
    void scalarsAndErrorsInsideArrays() {
        assertEquals(new Reply.Status("OK"), read("+OK\r\n"));
        assertEquals(new Reply.Int(-42), read(":-42\r\n"));
        assertEquals(new Reply.Int(Long.MAX_VALUE), read(":9223372036854775807\r\n"));
        Reply.Bulk bulk = (Reply.Bulk) read("$4\r\na\r\nb\r\n");
        assertArrayEquals("a\r\nb".getBytes(StandardCharsets.UTF_8), bulk.bytes());
        assertEquals(new Reply.Array(List.of(new Reply.Status("QUEUED"), new Reply.Error("ERR no"), new Reply.Int(1))),
                read("*3\r\n+QUEUED\r\n-ERR no\r\n:1\r\n"));
        assertEquals(0, ((Reply.Bulk) read("$0\r\n\r\n")).bytes().length);
    }

    @Test
    void resp3TypesMapOntoResp2Shapes() {
        assertSame(Reply.NIL, read("_\r\n"));
        assertEquals(new Reply.Int(1), read("#t\r\n"));
        assertEquals("1.5", new String(((Reply.Bulk) read(",1.5\r\n")).bytes(), StandardCharsets.US_ASCII));
        Reply map = read("%1\r\n+k\r\n:1\r\n");
        assertEquals(new Reply.Array(List.of(new Reply.Status("k"), new Reply.Int(1))), map);
    }
}
