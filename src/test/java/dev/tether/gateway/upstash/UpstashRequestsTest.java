package dev.tether.gateway.upstash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpstashRequestsTest {

    @Test
    void pathStyleDecodesSegmentsAsBytesAndAppendsQueryPairs() {
        Command c = UpstashRequests.path("set/a%2Fb/x+y%FF", "EX=100&NX&_token=secret", null);
        assertEquals("SET", c.name());
        assertEquals("a/b", text(c, 0));
        assertArrayEquals(new byte[] {'x', '+', 'y', (byte) 0xff}, c.args().get(1));
        assertEquals("EX", text(c, 2));
        assertEquals("100", text(c, 3));
        assertEquals("NX", text(c, 4));
        assertEquals(5, c.args().size());
        Command withBody = UpstashRequests.path("set/k", null, "v\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("v\r\n", text(withBody, 1));
        assertEquals("secret", UpstashRequests.queryToken("a=1&_token=secret"));
    }

    @Test
    void jsonArgumentsKeepTheirJsonText() {
        Command c = UpstashRequests.command("[\"set\",\"k\",1.50,true,-3]".getBytes(StandardCharsets.UTF_8));
        assertEquals("1.50", text(c, 1));
        assertEquals("true", text(c, 2));
        assertEquals("-3", text(c, 3));
        assertThrows(GatewayException.class, () -> UpstashRequests.command("[1,".getBytes(StandardCharsets.UTF_8)));
        assertThrows(GatewayException.class, () -> UpstashRequests.commands("[[\"GET\",\"k\"],\"x\"]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(GatewayException.class, () -> UpstashRequests.base64("gzip"));
    }

    static String text(Command c, int i) {
        return new String(c.args().get(i), StandardCharsets.UTF_8);
    }
}
