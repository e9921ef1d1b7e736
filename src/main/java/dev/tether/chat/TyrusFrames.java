package dev.tether.chat;

import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.Lock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a text frame whose bytes were made once for a whole broadcast (Payara's Tyrus). Tyrus's {@code sendText}
 * encodes the text to UTF-8 and builds the frame for every member: JFR under 1,000 clients put about 30 % of the
 * fan-out threads' samples in that encoding. A server's frames are not masked, so one broadcast's frame is the same
 * bytes for every member; this hands them to the connection's Tyrus protocol handler as its own text send does
 * (under its lock, with its completion wrapper around our SendHandler). Other servers, a Tyrus without these
 * members, or a connection with a negotiated extension (compression) get {@code null}: the caller uses sendText.
 */
final class TyrusFrames {

    private static final Logger LOG = Logger.getLogger(TyrusFrames.class.getName());
    private static volatile Access access;
    private static volatile boolean unavailable;

    /** The reflective handles into Tyrus, found once. */
    private record Access(Field webSocket, Method checkConnected, Field protocolHandler, Field lock, Method send,
            Constructor<?> completion, Object info) {
    }

    /** One connection's way to send ready-made frames. */
    record Sender(Object webSocket, Object protocolHandler, Lock lock) {

        /** Sends {@code wire} (a whole frame, see {@link #frame}); {@code done} hears the outcome as with sendText. */
        void send(ByteBuffer wire, SendHandler done) {
            Access a = access;
            try {
                a.checkConnected.invoke(webSocket); // IllegalStateException once closed, as sendText throws
                Object completion = a.completion.newInstance(protocolHandler, done);
                lock.lock();
                try {
                    a.send.invoke(protocolHandler, wire, completion, a.info, Boolean.TRUE);
                } finally {
                    lock.unlock();
                }
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TyrusFrames() {
    }

    /** The connection's sender, or null where frames must go through sendText. */
    static Sender of(Session session) {
        if (unavailable || !session.getNegotiatedExtensions().isEmpty()
                || !session.getClass().getName().equals("org.glassfish.tyrus.core.TyrusSession")) {
            return null;
        }
        try {
            Object remote = session.getAsyncRemote();
            Access a = access;
            if (a == null) {
                a = access = find(remote);
            }
            Object webSocket = a.webSocket.get(remote);
            Object handler = a.protocolHandler.get(webSocket);
            return new Sender(webSocket, handler, (Lock) a.lock.get(handler));
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(Level.INFO, "chat frames go through sendText (Tyrus internals not found): " + e);
            return null;
        }
    }

    private static Access find(Object remote) throws ReflectiveOperationException {
        Field webSocket = field(remote.getClass(), "webSocket");
        Class<?> ws = webSocket.getType();
        Method check = ws.getDeclaredMethod("checkConnectedState");
        check.setAccessible(true);
        Field protocolHandler = field(ws, "protocolHandler");
        Class<?> ph = protocolHandler.getType();
        Field lock = field(ph, "lock");
        Method send = null;
        for (Method m : ph.getDeclaredMethods()) {
            Class<?>[] p = m.getParameterTypes();
            if (m.getName().equals("send") && p.length == 4 && p[0] == ByteBuffer.class && p[3] == Boolean.class) {
                send = m;
            }
        }
        Constructor<?> completion = null;
        for (int i = 1; completion == null && i < 10; i++) { // the anonymous CompletionHandler around a SendHandler
            Class<?> c;
            try {
                c = Class.forName(ph.getName() + "$" + i, false, ph.getClassLoader());
            } catch (ClassNotFoundException e) {
                continue;
            }
            if (c.getSuperclass() != null && c.getSuperclass().getName().equals("org.glassfish.tyrus.spi.CompletionHandler")) {
                try {
                    completion = c.getDeclaredConstructor(ph, SendHandler.class);
                } catch (NoSuchMethodException other) {
                    // another anonymous class
                }
            }
        }
        if (send == null || completion == null) {
            throw new NoSuchMethodException("ProtocolHandler.send(ByteBuffer, …) or its SendHandler wrapper");
        }
        send.setAccessible(true);
        completion.setAccessible(true);
        Field info = field(ph, "NULL_INFO");
        return new Access(webSocket, check, protocolHandler, lock, send, completion, info.get(null));
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException next) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /** A final, unmasked text frame carrying {@code text} (RFC 6455 §5.2). */
    static ByteBuffer frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65_536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + n);
        frame.put((byte) 0x81);
        if (n < 126) {
            frame.put((byte) n);
        } else if (n < 65_536) {
            frame.put((byte) 126).putShort((short) n);
        } else {
            frame.put((byte) 127).putLong(n);
        }
        return frame.put(payload).flip();
    }
}
