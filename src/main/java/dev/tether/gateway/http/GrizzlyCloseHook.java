package dev.tether.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Payara (Grizzly): {@code RequestFacade.getUnwrappedCoyoteRequest()} is Catalina's request, its
 * {@code getCoyoteRequest()} Grizzly's, whose {@code getConnection()} takes a {@code Connection.CloseListener}.
 * Grizzly stops reading a connection while its request is suspended (async), so a client's FIN would go unseen:
 * read interest is turned back on, as Grizzly's own non-blocking reads do, and the FIN (or RST) closes it.
 */
final class GrizzlyCloseHook implements CloseHook {

    @Override
    public boolean serves(HttpServletRequest request) {
        return request.getClass().getName().equals("org.apache.catalina.connector.RequestFacade");
    }

    @Override
    public Runnable watch(HttpServletRequest request, Runnable closed) throws ReflectiveOperationException {
        Object connection = CloseHook.call(CloseHook.call(CloseHook.call(request, "getUnwrappedCoyoteRequest"),
                "getCoyoteRequest"), "getConnection");
        ClassLoader loader = connection.getClass().getClassLoader();
        Class<?> type = Class.forName("org.glassfish.grizzly.Connection", false, loader);
        Class<?> listenerType = Class.forName("org.glassfish.grizzly.Connection$CloseListener", false, loader);
        AtomicReference<Runnable> action = new AtomicReference<>(closed);
        Object listener = CloseHook.listener(listenerType, action);
        Method remove = type.getMethod("removeCloseListener", listenerType);
        type.getMethod("addCloseListener", listenerType).invoke(connection, listener); // already closed: runs now
        Class<?> ioEvent = Class.forName("org.glassfish.grizzly.IOEvent", false, loader);
        type.getMethod("enableIOEvent", ioEvent).invoke(connection, ioEvent.getField("READ").get(null));
        return () -> {
            action.set(null);
            try {
                remove.invoke(connection, listener);
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // the listener does nothing any more anyway
            }
        };
    }
}
