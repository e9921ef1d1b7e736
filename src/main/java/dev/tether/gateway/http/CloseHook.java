package dev.tether.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server's notice that a request's client closed its connection. An open event stream with nothing to write
 * has no pending I/O, and the Servlet API reports a gone client only through pending I/O (jakartaee/servlet#44);
 * the servers' own connections do report it. One implementation per server, reached by reflection from the
 * request object, so the WAR links against neither server: {@link GrizzlyCloseHook} (Payara),
 * {@link UndertowCloseHook} (WildFly). {@link CloseHooks} picks one.
 */
interface CloseHook {

    /** True when {@code request} (unwrapped) is this server's. */
    boolean serves(HttpServletRequest request);

    /**
     * Runs {@code closed} once, on a server thread, when the request's connection closes. The returned handle stops
     * watching (the connection may outlive the response: HTTP keep-alive).
     */
    Runnable watch(HttpServletRequest request, Runnable closed) throws ReflectiveOperationException;

    /** The server's listener interface {@code type}, implemented by running {@code closed} at most once. */
    static Object listener(Class<?> type, AtomicReference<Runnable> closed) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "tether event stream close listener";
                    default -> { // the close callback, under whichever of its names (Grizzly has two)
                        Runnable r = closed.getAndSet(null);
                        if (r != null) {
                            r.run();
                        }
                        yield null;
                    }
                });
    }

    /** {@code target.name()} by reflection, for public methods of the server's public classes. */
    static Object call(Object target, String name) throws ReflectiveOperationException {
        return target.getClass().getMethod(name).invoke(target);
    }
}
