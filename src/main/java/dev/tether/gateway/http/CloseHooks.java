package dev.tether.gateway.http;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Picks the {@link CloseHook} of the server a request came through. On a server without one (or when its
 * internals changed and reflection fails) streams fall back to noticing a gone client at their next write (a
 * message or a keep-alive); that is logged once.
 */
final class CloseHooks {

    private static final Logger LOG = Logger.getLogger(CloseHooks.class.getName());
    private static final List<CloseHook> HOOKS = List.of(new GrizzlyCloseHook(), new UndertowCloseHook());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final Runnable NOTHING = () -> { };

    private CloseHooks() {
    }

    /** Runs {@code closed} when the client's connection closes, where the server tells; the handle stops watching. */
    static Runnable watch(HttpServletRequest request, Runnable closed) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
        HttpServletRequest unwrapped = (HttpServletRequest) r;
        Exception failure = null;
        for (CloseHook hook : HOOKS) {
            if (hook.serves(unwrapped)) {
                try {
                    return hook.watch(unwrapped, closed);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    failure = e;
                }
            }
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "no connection close notice on this server (" + unwrapped.getClass().getName()
                    + "): a pub/sub client that disconnects is cleaned up at the next write to it, within "
                    + "tether.pubsub.keep-alive", failure);
        }
        return NOTHING;
    }
}
