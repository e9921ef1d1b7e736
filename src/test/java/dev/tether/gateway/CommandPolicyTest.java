package dev.tether.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandPolicyTest {

    final CommandPolicy policy = new CommandPolicy(Optional.empty(), Optional.empty(), 10_000);

    @Test
    void deniesDangerousCommandsByDefaultAndAllowsThemWhenConfigured() {
        GatewayException e = assertThrows(GatewayException.class, () -> policy.plan(Command.of("flushall")));
        assertEquals(GatewayException.Kind.FORBIDDEN, e.kind());
        assertThrows(GatewayException.class, () -> policy.plan(Command.of("client", "kill", "id", "1")));
        policy.plan(Command.of("client", "list"));

        CommandPolicy open = new CommandPolicy(Optional.empty(), Optional.of("flushall, client kill"), 10_000);
        open.plan(Command.of("FLUSHALL"));
        open.plan(Command.of("CLIENT", "KILL", "ID", "1"));
        assertThrows(GatewayException.class, () -> open.plan(Command.of("CONFIG", "GET", "*")));

        CommandPolicy custom = new CommandPolicy(Optional.of("KEYS"), Optional.empty(), 10_000);
        assertThrows(GatewayException.class, () -> custom.plan(Command.of("keys", "*")));
        custom.plan(Command.of("FLUSHDB"));
    }

    @Test
    void refusesConnectionStateCommandsWithA400() {
        for (String name : new String[] {"MULTI", "EXEC", "WATCH", "SELECT", "SUBSCRIBE", "HELLO", "RESET", "QUIT"}) {
            GatewayException e = assertThrows(GatewayException.class, () -> policy.plan(Command.of(name, "x")), name);
            assertEquals(GatewayException.Kind.BAD_REQUEST, e.kind());
        }
        assertThrows(GatewayException.class, () -> policy.plan(Command.of("client", "reply", "off")));
    }

    @Test
    void capsBlockingTimeouts() {
        CommandPolicy.Plan forever = policy.plan(Command.of("BLPOP", "a", "b", "0"));
        assertTrue(forever.blocking());
        assertEquals("10", text(forever.command(), 2));
        assertEquals(10_000, forever.blockMillis());

        CommandPolicy.Plan shortWait = policy.plan(Command.of("brpop", "a", "0.25"));
        assertEquals("0.25", text(shortWait.command(), 1));
        assertEquals(250, shortWait.blockMillis());

        assertEquals("10", text(policy.plan(Command.of("BLMPOP", "3600", "1", "a", "LEFT")).command(), 0));
        CommandPolicy.Plan xread = policy.plan(Command.of("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$"));
        assertEquals("10000", text(xread.command(), 3));
        assertFalse(policy.plan(Command.of("XREAD", "STREAMS", "s", "0")).blocking());
        assertEquals("10000", text(policy.plan(Command.of("WAIT", "1", "0")).command(), 1));
        assertFalse(policy.plan(Command.of("GET", "k")).blocking());
    }

    static String text(Command c, int i) {
        return new String(c.args().get(i), StandardCharsets.UTF_8);
    }
}
