package dev.tether.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * WildFly (Undertow): {@code HttpServletRequestImpl.getExchange().getConnection()} is the {@code ServerConnection},
 * which takes a {@code ServerConnection.CloseListener}. Undertow suspends reads while an exchange runs, so a
 * client's FIN would go unseen: the hook reads the socket itself (HTTP/1.1's {@code getChannel()} over
 * {@code getOriginalSourceConduit()}, the request body being read by then) and closes the connection on end of
 * stream, an error, or any byte (a client that sends while its stream is open cannot be answered anyway). When the
 * exchange ends Undertow resets the channel's conduit and read listener to its own. Undertow cannot remove a
 * close listener, so the handle only empties it: a keep-alive connection holds one small listener per stream.
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
        readUntilClosed(connection);
        return () -> action.set(null);
    }

    private static void readUntilClosed(Object connection) throws ReflectiveOperationException {
        Object source = CloseHook.call(CloseHook.call(connection, "getChannel"), "getSourceChannel");
        ClassLoader xnio = source.getClass().getClassLoader();
        Class<?> listenerType = Class.forName("org.xnio.ChannelListener", false, xnio);
        Class<?> setterType = Class.forName("org.xnio.ChannelListener$Setter", false, xnio);
        // the socket itself, not the request body's conduit (a read past a body's end answers -1); this also makes
        // the channel the conduit's reader again (the servlet's request channel took it to read the body)
        Class<?> conduitType = Class.forName("org.xnio.conduits.StreamSourceConduit", false, xnio);
        source.getClass().getMethod("setConduit", conduitType).invoke(source,
                CloseHook.call(connection, "getOriginalSourceConduit"));
        Object reader = Proxy.newProxyInstance(xnio, new Class<?>[] {listenerType}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "tether event stream close reader";
                    default -> { // handleEvent(channel): readable
                        readOrClose(args[0], connection);
                        yield null;
                    }
                });
        setterType.getMethod("set", listenerType).invoke(CloseHook.call(source, "getReadSetter"), reader);
        source.getClass().getMethod("resumeReads").invoke(source);
    }

    private static void readOrClose(Object channel, Object connection) throws ReflectiveOperationException {
        int read;
        try {
            read = (Integer) channel.getClass().getMethod("read", ByteBuffer.class).invoke(channel, ByteBuffer.allocate(1));
        } catch (InvocationTargetException e) {
            read = -1; // reset by the peer
        }
        if (read != 0) {
            try {
                connection.getClass().getMethod("close").invoke(connection); // its close listeners run
            } catch (InvocationTargetException alreadyBroken) {
                // closed anyway
            }
        }
    }
}
