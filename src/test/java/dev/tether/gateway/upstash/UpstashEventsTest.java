package dev.tether.gateway.upstash;

import dev.tether.gateway.http.EventStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.pubsub.Topic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstashEventsTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void eventsAreTheLinesTheSdkParses() {
        UpstashEvents f = UpstashEvents.INSTANCE;
        assertEquals("data: subscribe,news,1\n\n", text(f.subscribed(Topic.channel("news"), 1)));
        assertEquals("data: psubscribe,user:*,2\n\n", text(f.subscribed(Topic.pattern("user:*"), 2)));
        assertEquals("data: message,news,{\"a\":1}\n\n", text(f.message("news", "{\"a\":1}".getBytes(StandardCharsets.UTF_8))));
        assertEquals("data: pmessage,user:*,user:1,hi, there\n\n",
                text(f.patternMessage("user:*", "user:1", "hi, there".getBytes(StandardCharsets.UTF_8))));
        assertEquals(": keep-alive\n\n", text(f.keepAlive()));
        assertEquals(": Redis is\tback\n\n", text(f.notice("Redis is\tback")));
        assertEquals("data: error,a,too slow now\n\n", text(f.closing(List.of(Topic.channel("a"), Topic.channel("b")), "too slow\nnow")));
    }

    @Test
    void lineBreaksInAPayloadBecomeSeveralDataLines() {
        assertEquals("data: a\ndata: b\ndata: c\ndata: \ndata: d\n\n", text(UpstashEvents.data("a\nb\r\nc\r\rd")));
        assertEquals("data: x\ndata: \n\n", text(UpstashEvents.data("x\n")));
        assertEquals("data: \n\n", text(UpstashEvents.data("")));
    }

    @Test
    void acceptHeaders() {
        assertTrue(EventStream.accepted(null));
        assertTrue(EventStream.accepted("text/event-stream"));
        assertTrue(EventStream.accepted("*/*"));
        assertTrue(EventStream.accepted("application/json, text/*;q=0.5"));
        assertFalse(EventStream.accepted("application/json"));
        assertFalse(EventStream.accepted("text/html"));
    }
}
