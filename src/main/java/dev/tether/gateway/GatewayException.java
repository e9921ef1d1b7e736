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

    public GatewayException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static GatewayException bad(String message) {
        return new GatewayException(Kind.BAD_REQUEST, message);
    }

    public static GatewayException forbidden(String message) {
        return new GatewayException(Kind.FORBIDDEN, message);
    }

    /** The message as a reply slot carries it: Tether's own errors start with {@code ERR }, as Redis's generic ones do. */
    public String reply() {
        return "ERR " + getMessage();
    }

    public Kind kind() {
        return kind;
    }
}
