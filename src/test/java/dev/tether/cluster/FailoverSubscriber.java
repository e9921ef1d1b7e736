package dev.tether.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tether.testing.Http;
import dev.tether.testing.SseClient;
import java.net.URI;

/**
 * An SSE subscriber held open across a failover: subscribed before the kill, it must see the "Redis unreachable"
 * and "resubscribed" notices without its stream ending, then receive a message published after the promotion.
 */
final class FailoverSubscriber implements AutoCloseable {

    private final SseClient sse;
    private final String kind;
    private final String channel;

    /** {@code kind}: "subscribe" or "ssubscribe" (sharded). */
    FailoverSubscriber(URI base, String token, String kind, String channel) {
        this.kind = kind;
        this.channel = channel;
        this.sse = SseClient.open(base, "redis/" + kind + "/" + channel.replace("{", "%7B").replace("}", "%7D"), token, "[]");
        assertEquals(200, sse.status(), sse::body);
        assertEquals("data: " + kind + "," + channel + ",1", sse.nextData(10_000));
    }

    /** After the promotion: both notices arrived on the open stream, and a message published through Tether arrives. */
    void receivesAfterPromotion(Http http, long millis) {
        String down = sse.next(e -> e.startsWith(": Redis unreachable"), millis);
        assertNotNull(down, () -> kind + " " + channel + ": no 'Redis unreachable' notice; got " + sse.drain());
        assertEquals(true, down.startsWith(": Redis unreachable"), () -> kind + " " + channel + ": stream ended: " + down);
        String back = sse.next(e -> e.startsWith(": resubscribed"), millis);
        assertNotNull(back, () -> kind + " " + channel + ": no 'resubscribed' notice; got " + sse.drain());
        assertEquals(true, back.startsWith(": resubscribed"), () -> kind + " " + channel + ": stream ended: " + back);
        String publish = kind.equals("ssubscribe") ? "SPUBLISH" : "PUBLISH";
        Http.Result sent = http.post("redis", Http.command(publish, channel, "after the failover"));
        assertEquals(200, sent.status(), () -> publish + " after the failover: " + sent);
        assertEquals("data: message," + channel + ",after the failover", sse.nextData(millis),
                () -> kind + " " + channel + ": " + sse.drain());
        System.out.println("Subscriber across the failover (" + kind + " " + channel + "): " + down + " / " + back);
    }

    @Override
    public void close() {
        sse.close();
    }
}
