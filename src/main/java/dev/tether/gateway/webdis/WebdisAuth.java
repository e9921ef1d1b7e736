package dev.tether.gateway.webdis;

import dev.tether.gateway.Access;
import dev.tether.gateway.GatewayException;
import dev.tether.gateway.http.TokenAuth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Who is calling, in Webdis's terms mapped onto Tether's: HTTP Basic {@code user:token} (the password is a Tether
 * token, the user name is what {@code user=} ACL rules match) or {@code Authorization: Bearer <token>}; with no
 * token configured, loopback callers only (never Webdis's open default). Then the ACL rules by address and user.
 */
@ApplicationScoped
public class WebdisAuth {

    /** An authenticated caller: what its token allows and its Basic user name (or null). */
    public record Caller(Access access, String user, String address) {
    }

    @Inject
    TokenAuth tokens;

    @Inject
    WebdisAcl acl;

    public Caller check(String authorization, String remoteAddress) {
        String user = null;
        Access access;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                pair = "";
            }
            int colon = pair.indexOf(':');
            user = colon < 0 ? pair : pair.substring(0, colon);
            access = tokens.check(null, colon < 0 ? "" : pair.substring(colon + 1), remoteAddress);
        } else {
            access = tokens.check(authorization, null, remoteAddress);
        }
        return new Caller(access, user, remoteAddress);
    }

    /** 403 unless the ACL rules let this caller run {@code upperName}. */
    public void permit(Caller caller, String upperName) {
        if (!acl.allows(upperName, caller.address(), caller.user())) {
            throw GatewayException.forbidden(upperName + " is disabled for this client by tether.webdis.acl");
        }
    }
}
