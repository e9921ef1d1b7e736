package dev.tether.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.gateway.Access;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenAuthTest {

    @Test
    void withoutATokenOnlyLoopbackCallersAreServed() {
        TokenAuth open = new TokenAuth(Optional.empty(), Optional.empty());
        assertEquals(Access.FULL, open.check(null, null, "127.0.0.1"));
        assertEquals(Access.FULL, open.check(null, null, "127.0.0.2"));
        assertEquals(Access.FULL, open.check(null, null, "0:0:0:0:0:0:0:1"));
        TokenAuth.Unauthorized e = assertThrows(TokenAuth.Unauthorized.class, () -> open.check(null, null, "10.1.2.3"));
        assertTrue(e.getMessage().contains("loopback"));
        assertThrows(TokenAuth.Unauthorized.class, () -> open.check(null, null, "192.168.1.5"));
        assertThrows(TokenAuth.Unauthorized.class, () -> open.check(null, null, "localhost.evil.example"));
    }

    @Test
    void tokensGiveFullOrReadOnlyAccess() {
        TokenAuth auth = new TokenAuth(Optional.of("full"), Optional.of("read"));
        assertEquals(Access.FULL, auth.check("Bearer full", null, "10.0.0.1"));
        assertEquals(Access.FULL, auth.check("bearer  full ", null, "10.0.0.1"));
        assertEquals(Access.READ_ONLY, auth.check("Bearer read", null, "10.0.0.1"));
        assertEquals(Access.FULL, auth.check(null, "full", "10.0.0.1"));
        assertThrows(TokenAuth.Unauthorized.class, () -> auth.check("Bearer nope", null, "127.0.0.1"));
        assertThrows(TokenAuth.Unauthorized.class, () -> auth.check("Basic full", null, "127.0.0.1"));
        assertEquals("the Authorization header must be 'Bearer <token>'",
                assertThrows(TokenAuth.Unauthorized.class, () -> auth.check("full", null, "127.0.0.1")).getMessage());
        assertEquals("missing token: send Authorization: Bearer <token>",
                assertThrows(TokenAuth.Unauthorized.class, () -> auth.check(null, null, "127.0.0.1")).getMessage());
    }

    @Test
    void loopbackDetectionNeverResolvesNames() {
        assertTrue(TokenAuth.isLoopback("127.0.0.1"));
        assertTrue(TokenAuth.isLoopback("[::1]"));
        assertFalse(TokenAuth.isLoopback("localhost"));
        assertFalse(TokenAuth.isLoopback(""));
        assertFalse(TokenAuth.isLoopback(null));
    }
}
