package dev.tether.chat;

import jakarta.websocket.Session;
import java.net.InetSocketAddress;

/** The peer's IP address; the WebSocket API has no portable way to get it, so this tries what servers offer. */
final class ChatAddress {

    private ChatAddress() {
    }

    static String of(Session session) {
        Object property = session.getUserProperties().get("jakarta.websocket.endpoint.remoteAddress"); // Undertow, Tomcat
        if (property instanceof InetSocketAddress address) {
            return address.getAddress().getHostAddress();
        }
        try { // Tyrus (Payara, GlassFish)
            Object address = session.getClass().getMethod("getRemoteAddr").invoke(session);
            if (address != null) {
                return address.toString();
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // not Tyrus
        }
        return "unknown";
    }
}
