package dev.tether.gateway.http;

import dev.tether.gateway.Access;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bearer-token authentication for the Redis routes: {@code tether.token} gives full access,
 * {@code tether.readonly-token} read commands only. With no token configured only loopback callers are served.
 */
@ApplicationScoped
public class TokenAuth {

    private static final Logger LOG = Logger.getLogger(TokenAuth.class.getName());

    private final Optional<byte[]> token;
    private final Optional<byte[]> readOnlyToken;

    @Inject
    public TokenAuth(@ConfigProperty(name = "tether.token") Optional<String> token,
                     @ConfigProperty(name = "tether.readonly-token") Optional<String> readOnlyToken) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.readOnlyToken = readOnlyToken.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    TokenAuth() {
        this(Optional.empty(), Optional.empty());
    }

    void announce(@Observes @Initialized(ApplicationScoped.class) Object start) {
        if (token.isEmpty() && readOnlyToken.isEmpty()) {
            LOG.warning("No tether.token is configured: the Redis routes serve loopback callers only "
                    + "(set TETHER_TOKEN to serve other machines)");
        }
    }

    /**
     * @param authorization the Authorization header, or null
     * @param queryToken    the {@code _token} query parameter, or null
     * @param remoteAddress the caller's IP address
     */
    public Access check(String authorization, String queryToken, String remoteAddress) {
        if (token.isEmpty() && readOnlyToken.isEmpty()) {
            if (isLoopback(remoteAddress)) {
                return Access.FULL;
            }
            throw unauthorized("no token is configured (tether.token), so only loopback callers are served");
        }
        String presented = bearer(authorization);
        if (presented == null) {
            presented = queryToken;
        }
        if (presented == null && authorization != null && !authorization.isBlank()) {
            throw unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        if (presented == null || presented.isEmpty()) {
            throw unauthorized("missing token: send Authorization: Bearer <token>");
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        if (token.isPresent() && MessageDigest.isEqual(token.get(), given)) {
            return Access.FULL;
        }
        if (readOnlyToken.isPresent() && MessageDigest.isEqual(readOnlyToken.get(), given)) {
            return Access.READ_ONLY;
        }
        throw unauthorized("invalid token");
    }

    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : null;
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        if (address.equals("127.0.0.1") || address.equals("0:0:0:0:0:0:0:1")) {
            return true; // the common case, without parsing
        }
        try {
            // only literal addresses reach here (the servlet container's remote address), so no DNS lookup happens
            if (!Character.isDigit(address.charAt(0)) && address.charAt(0) != '[' && address.indexOf(':') < 0) {
                return false;
            }
            return InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Unauthorized unauthorized(String message) {
        return new Unauthorized(message);
    }

    /** Missing or wrong credentials: answered 401 with {@code WWW-Authenticate: Bearer}. */
    public static final class Unauthorized extends RuntimeException {
        Unauthorized(String message) {
            super(message, null, false, false);
        }
    }
}
