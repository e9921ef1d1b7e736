package dev.tether.chat;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * A Tyrus client connection to the chat, collecting every event it receives (JSON; a frame holds one event or an
 * array of them) and its close reason. Like the page, it keeps the presence list and drops join and leave events
 * that do not change it (presence changes come batched per room, so one may repeat what the list already says,
 * such as the client's own join).
 */
final class ChatSocket implements AutoCloseable {

    private static final ClientManager CLIENT = client();

    final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    /** Who is online as far as the received presence, join and leave events tell (the listener thread writes it). */
    final Set<String> users = ConcurrentHashMap.newKeySet();
    /** Text frames received (an array frame of several events counts once). */
    final java.util.concurrent.atomic.AtomicInteger frames = new java.util.concurrent.atomic.AtomicInteger();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private Session session;
    /** Set before connecting to drop join and leave events (1,000 joins make half a million of them). */
    private boolean dropJoinLeave;

    private static ClientManager client() {
        ClientManager client = ClientManager.createClient();
        // one Grizzly transport for every connection of the JVM, not one per connection
        client.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        // the default (30 s) stops the shared transport between test classes, racing with the next class's first connect
        client.getProperties().put(ClientProperties.SHARED_CONTAINER_IDLE_TIMEOUT, 900);
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, 10_000);
        return client;
    }

    /** ws://127.0.0.1:port/ctx/ws/chat/room?name=… (extra is appended to the query as is). */
    static URI uri(URI base, String room, String name, String extra) {
        if (!"127.0.0.1".equals(base.getHost())) {
            throw new IllegalArgumentException("tests talk to 127.0.0.1 only");
        }
        String query = name == null ? "" : "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        if (extra != null) {
            query += (query.isEmpty() ? "?" : "&") + extra;
        }
        return URI.create("ws://127.0.0.1:" + base.getPort() + base.getRawPath() + "ws/chat/" + room + query);
    }

    static ChatSocket open(URI base, String room, String name) {
        return open(uri(base, room, name, null));
    }

    static ChatSocket open(URI uri) {
        return open(uri, false);
    }

    static ChatSocket open(URI uri, boolean dropJoinLeave) {
        ChatSocket socket = new ChatSocket();
        socket.dropJoinLeave = dropJoinLeave;
        try {
            socket.session = CLIENT.connectToServer(socket.new Listener(), ClientEndpointConfig.Builder.create().build(), uri);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + uri, e);
        }
        return socket;
    }

    /** Opens and reads welcome, presence and history; answers the history frame. */
    static ChatSocket joined(URI base, String room, String name) {
        ChatSocket socket = open(base, room, name);
        socket.next("welcome");
        socket.next("presence");
        socket.history = socket.next("history");
        return socket;
    }

    JsonObject history;

    void send(String frame) {
        try {
            session.getBasicRemote().sendText(frame);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void say(String text) {
        send(Json.createObjectBuilder().add("type", "message").add("text", text).build().toString());
    }

    /** The next frame within 5 s. */
    JsonObject next() {
        return next(Duration.ofSeconds(5));
    }

    JsonObject next(Duration timeout) {
        try {
            JsonObject frame = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + timeout + (closed.isDone() ? "; closed: " + closed.join() : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of {@code type}. */
    JsonObject next(String type) {
        JsonObject frame = next();
        if (!type.equals(frame.getString("type"))) {
            throw new AssertionError("expected a " + type + " frame, got " + frame);
        }
        return frame;
    }

    /** The close reason within 10 s. */
    CloseReason closeReason() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within 10 s", e);
        }
    }

    /** Starts the closing handshake without waiting for it. */
    void closeAsync() {
        try {
            session.close();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        if (session != null && session.isOpen()) {
            try {
                session.close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
        try {
            closed.get(5, TimeUnit.SECONDS); // the server has run its @OnClose when the close reply arrives
        } catch (Exception ignored) {
            // reported by the tests that care
        }
    }

    private void receive(JsonObject event) {
        switch (event.getString("type")) {
            case "presence" -> {
                users.clear();
                event.getJsonArray("users").getValuesAs(JsonString.class).forEach(u -> users.add(u.getString()));
            }
            case "join" -> {
                if (!users.add(event.getString("name")) || dropJoinLeave) {
                    return;
                }
            }
            case "leave" -> {
                if (!users.remove(event.getString("name")) || dropJoinLeave) {
                    return;
                }
            }
            default -> {
            }
        }
        inbox.add(event);
    }

    private final class Listener extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(new MessageHandler.Whole<String>() {
                @Override
                public void onMessage(String text) {
                    frames.incrementAndGet();
                    JsonValue frame;
                    try (var reader = Json.createReader(new StringReader(text))) {
                        frame = reader.readValue();
                    }
                    for (JsonValue event : frame instanceof JsonArray array ? array : List.of(frame)) {
                        receive(event.asJsonObject());
                    }
                }
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closed.complete(reason);
        }

        @Override
        public void onError(Session session, Throwable failure) {
            closed.complete(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, String.valueOf(failure)));
        }
    }

    /** The next {@code n} message events (other events are skipped; an error event fails). */
    List<JsonObject> messages(int n, Duration timeout) throws InterruptedException {
        List<JsonObject> got = new java.util.ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (got.size() < n) {
            JsonObject e = inbox.poll(Math.max(1, end - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("got " + got.size() + " of " + n + " messages within " + timeout);
            }
            if ("message".equals(e.getString("type"))) {
                got.add(e);
            } else if ("error".equals(e.getString("type"))) {
                throw new AssertionError("an error event: " + e);
            }
        }
        return got;
    }
}
