package dev.tether.gateway.webdis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebdisAclTest {

    @Test
    void rulesApplyInOrderAndEnabledWinsInsideARule() {
        WebdisAcl acl = new WebdisAcl(Optional.of("disabled=*; ip=10.0.0.0/8 enabled=GET,MGET; user=admin enabled=*;"
                + " ip=10.1.0.0/16 disabled=GET"));
        assertFalse(acl.allows("GET", "192.168.1.1", null));
        assertTrue(acl.allows("GET", "10.2.3.4", null));
        assertFalse(acl.allows("SET", "10.2.3.4", null));
        assertFalse(acl.allows("GET", "10.1.2.3", null)); // the later rule supersedes
        assertTrue(acl.allows("SET", "192.168.1.1", "admin"));
        assertFalse(acl.allows("GET", "10.1.2.3", "admin"));
        assertTrue(new WebdisAcl(Optional.empty()).allows("FLUSHALL", "1.2.3.4", null));
    }

    @Test
    void ipv6AndMappedAddresses() {
        WebdisAcl acl = new WebdisAcl(Optional.of("disabled=SET; ip=::1/128 enabled=SET; ip=127.0.0.0/8 enabled=SET"));
        assertTrue(acl.allows("SET", "0:0:0:0:0:0:0:1", null));
        assertTrue(acl.allows("SET", "127.0.0.1", null));
        assertTrue(acl.allows("SET", "::ffff:127.0.0.1", null));
        assertFalse(acl.allows("SET", "fe80::1", null));
        assertFalse(acl.allows("SET", "unknown", null));
    }

    @Test
    void badRulesFailAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new WebdisAcl(Optional.of("ip=example.com disabled=SET")));
        assertThrows(IllegalArgumentException.class, () -> new WebdisAcl(Optional.of("ip=10.0.0.0/33 disabled=SET")));
        assertThrows(IllegalArgumentException.class, () -> new WebdisAcl(Optional.of("allow=SET")));
    }
}
