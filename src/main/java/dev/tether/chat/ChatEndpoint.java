package dev.tether.chat;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code /ws/chat/{room}?name=…[&since=…]}: one instance per connection, all state and logic in {@link ChatHub}. */
@ServerEndpoint("/ws/chat/{room}")
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    ChatHub hub;

    private ChatClient client;

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        client = hub.open(session, room, param(session, "name"), param(session, "since"), ChatAddress.of(session));
    }

    /** A hard cap of what Tyrus buffers; the configured, smaller limit is applied by the hub (1009 as well). */
    @OnMessage(maxMessageSize = 1 << 20)
    public void text(String frame) {
        if (client != null) {
            hub.message(client, frame);
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (client != null) {
            hub.pong(client);
        }
    }

    @OnClose
    public void close() {
        if (client != null) {
            hub.closed(client);
        }
    }

    @OnError
    public void error(Throwable failure) {
        LOG.log(Level.FINE, "chat connection error", failure);
    }

    private static String param(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
