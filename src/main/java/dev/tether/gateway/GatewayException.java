package dev.tether.gateway;

/** A command the gateway refuses before sending it to Redis, with the HTTP status that fits. */
public class GatewayException extends RuntimeException {

    public enum Kind {
        /** malformed request, or a command that would break the pooled connection: 400 */
        BAD_REQUEST,
        /** denied by the command policy or by a read-only token: 403 */
        FORBIDDEN
    }

    private final Kind kind;
    private final boolean redisForm;

    public GatewayException(Kind kind, String message) {
        this(kind, message, false);
    }

    private GatewayException(Kind kind, String message, boolean redisForm) {
        super(message, null, false, false);
        this.kind = kind;
        this.redisForm = redisForm;
    }

    /** A refusal worded as Redis words it, its own error code first ({@code EXECABORT …}, {@code CROSSSLOT …}): 400. */
    public static GatewayException redis(String message) {
        return new GatewayException(Kind.BAD_REQUEST, message, true);
    }

    public static GatewayException bad(String message) {
        return new GatewayException(Kind.BAD_REQUEST, message);
    }

    public static GatewayException forbidden(String message) {
        return new GatewayException(Kind.FORBIDDEN, message);
    }

    /** The message as a reply slot carries it: Tether's own errors start with {@code ERR }, as Redis's generic ones do. */
    public String reply() {
        return redisForm ? getMessage() : "ERR " + getMessage();
    }

    public Kind kind() {
        return kind;
    }
}
