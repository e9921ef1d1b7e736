package dev.tether.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.atomic.AtomicReference;

/**
 * WildFly (Undertow): {@code HttpServletRequestImpl.getExchange().getConnection()} is the {@code ServerConnection},
 * which takes a {@code ServerConnection.CloseListener}. Undertow has no way to remove one, so the handle only
 * empties it: a keep-alive connection that serves many streams holds one small listener per stream until it closes.
 */
final class UndertowCloseHook implements CloseHook {

    @Override
    public boolean serves(HttpServletRequest request) {
        return request.getClass().getName().equals("io.undertow.servlet.spec.HttpServletRequestImpl");
    }

    @Override
    public Runnable watch(HttpServletRequest request, Runnable closed) throws ReflectiveOperationException {
        Object connection = CloseHook.call(CloseHook.call(request, "getExchange"), "getConnection");
        ClassLoader loader = connection.getClass().getClassLoader();
        Class<?> type = Class.forName("io.undertow.server.ServerConnection", false, loader);
        Class<?> listenerType = Class.forName("io.undertow.server.ServerConnection$CloseListener", false, loader);
        AtomicReference<Runnable> action = new AtomicReference<>(closed);
        type.getMethod("addCloseListener", listenerType).invoke(connection, CloseHook.listener(listenerType, action));
        return () -> action.set(null);
    }
}
