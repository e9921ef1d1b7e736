package dev.tether.gateway.webdis;

import dev.tether.support.ConfigValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Webdis's ACL on top of Tether's policy: {@code tether.webdis.acl}, rules separated by {@code ;}, each with
 * optional matchers {@code ip=<CIDR>} and {@code user=<Basic user name>} and command lists
 * {@code disabled=SET,DEL} / {@code enabled=GET} ({@code *} for every command). Rules apply in order, a later
 * match superseding an earlier one, and inside a rule {@code enabled} wins, as in Webdis. They only narrow what
 * the token and {@code tether.commands.*} allow: {@code enabled} undoes an earlier rule, never the command policy.
 */
@ApplicationScoped
public class WebdisAcl {

    record Rule(byte[] network, int prefix, String user, Set<String> disabled, Set<String> enabled) {
    }

    private final List<Rule> rules;

    @Inject
    public WebdisAcl(@ConfigProperty(name = "tether.webdis.acl") Optional<String> acl) {
        this.rules = acl.map(WebdisAcl::parse).orElse(List.of());
    }

    WebdisAcl() {
        this(Optional.empty());
    }

    /** True when the rules let {@code address} (a literal IP) with Basic user {@code user} (or null) run {@code command}. */
    public boolean allows(String command, String address, String user) {
        if (rules.isEmpty()) {
            return true;
        }
        byte[] ip = literal(address);
        boolean allowed = true;
        for (Rule rule : rules) {
            if (rule.user() != null && !rule.user().equals(user)) {
                continue;
            }
            if (rule.network() != null && (ip == null || !inNetwork(ip, rule.network(), rule.prefix()))) {
                continue;
            }
            if (rule.disabled().contains(command) || rule.disabled().contains("*")) {
                allowed = false;
            }
            if (rule.enabled().contains(command) || rule.enabled().contains("*")) {
                allowed = true;
            }
        }
        return allowed;
    }

    static List<Rule> parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String ruleText : text.split(";")) {
            if (ruleText.isBlank()) {
                continue;
            }
            byte[] network = null;
            int prefix = 0;
            String user = null;
            Set<String> disabled = Set.of();
            Set<String> enabled = Set.of();
            for (String field : ruleText.trim().split("\\s+")) {
                int eq = field.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("tether.webdis.acl: '" + field + "' is not name=value");
                }
                String value = field.substring(eq + 1);
                switch (field.substring(0, eq)) {
                    case "ip" -> {
                        String[] cidr = value.split("/", 2);
                        network = literal(cidr[0]);
                        if (network == null) {
                            throw new IllegalArgumentException("tether.webdis.acl: '" + value + "' is not an IP address or CIDR");
                        }
                        prefix = cidr.length == 2 ? Integer.parseInt(cidr[1]) : network.length * 8;
                        if (prefix < 0 || prefix > network.length * 8) {
                            throw new IllegalArgumentException("tether.webdis.acl: bad prefix length in '" + value + "'");
                        }
                    }
                    case "user" -> user = value;
                    case "disabled" -> disabled = names(value);
                    case "enabled" -> enabled = names(value);
                    default -> throw new IllegalArgumentException("tether.webdis.acl: unknown field '" + field
                            + "' (ip=, user=, disabled=, enabled=)");
                }
            }
            rules.add(new Rule(network, prefix, user, disabled, enabled));
        }
        return List.copyOf(rules);
    }

    private static Set<String> names(String list) {
        return ConfigValues.items(list, s -> s.toUpperCase(Locale.ROOT));
    }

    /** The bytes of a literal IPv4/IPv6 address (no DNS lookup: names are refused), or null. */
    static byte[] literal(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        String a = address.replace("[", "").replace("]", "");
        if (!Character.isDigit(a.charAt(0)) && a.indexOf(':') < 0) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(a).getAddress();
            if (bytes.length == 16 && isV4Mapped(bytes)) {
                return Arrays.copyOfRange(bytes, 12, 16);
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    static boolean inNetwork(byte[] ip, byte[] network, int prefix) {
        if (ip.length != network.length) {
            return false;
        }
        int bits = ip.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .shiftRight(prefix).xor(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        return new BigInteger(1, ip).and(mask).equals(new BigInteger(1, network).and(mask));
    }
}
