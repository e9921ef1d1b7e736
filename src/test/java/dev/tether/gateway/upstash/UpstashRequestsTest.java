package dev.tether.gateway.upstash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.gateway.Command;
import dev.tether.gateway.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpstashRequestsTest {

    /** The parser-free reading of the common body gives exactly what the JSON parser gives, or leaves it to it. */
    @Test
    void theSimpleReadingAgreesWithTheJsonParser() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "ab \"\\,[]:01\u00e9\u0001\n\t/";
        int simple = 0;
        for (String body : java.util.List.of("[\"GET\",\"k\"]", " [ \"SET\" , \"k\" , \"v w\" ] ", "[\"PING\"]",
                "[\"GET\",\"a\\\"b\"]", "[\"GET\",]", "[\"GET\" \"k\"]", "[]", "[\"\"]", "[\" \"]", "[\"GET\",1]",
                "[\"GET\",\"k\"]x", "[\"GET\",\"k\"", "[\"GET\",\"caf\u00e9\"]", "{\"a\":1}")) {
            simple += agree(body.getBytes(StandardCharsets.UTF_8)) ? 1 : 0;
        }
        assertEquals(3, simple, "the three plain bodies took the simple reading");
        for (int n = 0; n < 20_000; n++) {
            StringBuilder body = new StringBuilder("[\"");
            for (int i = random.nextInt(20); i > 0; i--) {
                body.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            body.append(random.nextBoolean() ? "\"]" : "\",\"x\"]");
            agree(body.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** True when the simple reading answered (and agreed); false when it left the body to the parser. */
    private static boolean agree(byte[] body) {
        Command simple = UpstashRequests.simple(body, body.length);
        Object full;
        try {
            full = UpstashRequests.parsed(new dev.tether.gateway.http.BodyLimit.Body(body, body.length));
        } catch (GatewayException e) {
            full = e;
        }
        if (simple == null) {
            return false;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        Command parsed = assertInstanceOf(Command.class, full, text);
        assertEquals(parsed.name(), simple.name(), text);
        assertEquals(parsed.args().size(), simple.args().size(), text);
        for (int i = 0; i < parsed.args().size(); i++) {
            assertArrayEquals(parsed.args().get(i), simple.args().get(i), text);
        }
        return true;
    }

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
