package dev.tether.redis;

import dev.tether.support.Errors;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.redisson.client.RedisException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisNoScriptException;

/** Tells Redis's own error replies apart from failures to reach Redis, and cleans up Redisson's messages. */
public final class RedisErrors {

    /** Error replies whose first word says Redis cannot serve now: answered 503, not 400. */
    private static final Pattern UNAVAILABLE = Pattern.compile("^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\\b.*",
            Pattern.DOTALL);
    private static final Pattern REPLY = Pattern.compile("^[A-Z][A-Z_]+( .*)?", Pattern.DOTALL);

    private RedisErrors() {
    }

    /** The text of a Redis error reply ("ERR …", "WRONGTYPE …"), or null when the failure is not one. */
    public static String replyText(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        // Redisson gives NOSCRIPT its own class; it is still the reply to one command (EVALSHA), not an outage
        boolean reply = t.getClass() == RedisException.class || t.getClass() == RedisNoScriptException.class;
        if (!reply || t.getCause() != null || t.getMessage() == null) {
            return null;
        }
        String message = t.getMessage();
        int channel = message.indexOf(". channel: ");
        String text = channel < 0 ? message : message.substring(0, channel);
        if (!REPLY.matcher(text).matches() || UNAVAILABLE.matcher(text).matches()) {
            return null;
        }
        return text;
    }

    /** True for the error replies that mean Redis cannot serve now (LOADING, BUSY, …): answered as 503. */
    static boolean unavailableText(String text) {
        return UNAVAILABLE.matcher(text).matches();
    }

    /**
     * True when the client refused a command before sending it because it does not yet know which node serves the
     * command's slot (a cluster while slots move or a master is replaced): trying it again cannot run it twice.
     */
    public static boolean notSent(Throwable failure) {
        return Errors.unwrap(failure) instanceof RedisNodeNotFoundException;
    }

    /** Maps any failure that is not an error reply to the 503 the caller should answer. */
    public static RedisUnavailableException unavailable(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        if (t instanceof RedisUnavailableException u) {
            return u;
        }
        return new RedisUnavailableException("Redis is unavailable: " + describe(t), 1, t);
    }

    public static String describe(Throwable failure) {
        Throwable t = Errors.unwrap(failure);
        if (t instanceof TimeoutException) {
            return "no answer in time";
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int channel = message.indexOf(". channel: ");
        if (channel < 0) {
            channel = message.indexOf(" channel: ");
        }
        message = channel < 0 ? message : message.substring(0, channel);
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
