package dev.tether.chat;

import dev.tether.support.Workers;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.redisson.api.stream.StreamMessageId;

/** Registers chat connections, keeps rooms and presence, stores messages and fans them out to the outboxes. */
@ApplicationScoped
public class ChatHub {

    private static final Logger LOG = Logger.getLogger(ChatHub.class.getName());
    static final CloseCodes POLICY = CloseCodes.VIOLATED_POLICY;

    @Inject
    Config config;

    @Inject
    ChatStore store;

    @Inject
    ChatMetrics metrics;

    /** Where Redis results continue: never on Redisson's Netty threads. */
    @Inject
    Workers workers;

    /** Closes sockets, off socket and Redis threads and off the one-thread scheduler that runs the heartbeat. */
    @Resource
    ManagedExecutorService closer;

    private volatile ChatSettings settings;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<ChatClient> clients = ConcurrentHashMap.newKeySet();

    public ChatSettings settings() {
        if (settings == null) {
            settings = ChatSettings.from(config);
        }
        return settings;
    }

    Set<ChatClient> clients() {
        return clients;
    }

    public int connections() {
        return clients.size();
    }

    public int rooms() {
        return rooms.size();
    }

    /** Registers a new connection, or closes it with a reason and answers null. */
    ChatClient open(Session session, String room, String rawName, String since, String address) {
        ChatSettings s = settings();
        session.setMaxTextMessageBufferSize(s.maxFrameBytes());
        // no setMaxIdleTimeout: Tyrus counts only data frames as activity, so it closed quiet clients that answer pings
        if (!Names.validRoom(room)) {
            return refuse(session, "invalid room: use 1-64 of A-Z a-z 0-9 _ -");
        }
        String wanted = Names.cleanName(rawName);
        if (wanted == null) {
            return refuse(session, "invalid name: use 1-32 printable characters");
        }
        StreamMessageId sinceId = null;
        if (since != null && !since.isEmpty() && (sinceId = ChatStore.parseId(since)) == null) {
            return refuse(session, "invalid since: expected a message id such as 1700000000000-0");
        }
        if (perAddress.merge(address, 1, Integer::sum) > s.maxConnectionsPerAddress()) {
            perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
            return refuse(session, "too many connections from your address");
        }
        ChatClient[] created = new ChatClient[1];
        Room chatRoom = rooms.compute(room, (key, r) -> {
            Room target = r == null ? new Room(key) : r;
            ChatClient client = new ChatClient(session, key, target.freeName(wanted), address, s,
                    closer, c -> close(c, CloseCodes.GOING_AWAY, "send failed or timed out"));
            target.reserve(client);
            created[0] = client;
            return target;
        });
        ChatClient client = created[0];
        clients.add(client);
        send(client, ChatJson.welcome(client.name, room));
        StreamMessageId from = sinceId;
        boolean queued = chatRoom.then(s.roomQueue(), () -> (from == null ? store.last(room, s.historySize()) : store.after(room, from, s.streamMaxLength() * 2))
                .handleAsync((history, failure) -> {
                    chatRoom.join(client);
                    client.joined = true;
                    if (client.isClosed()) { // closed while the history was read: unregister may have missed it
                        chatRoom.members().remove(client);
                        return null;
                    }
                    send(client, ChatJson.presence(chatRoom.memberNames()));
                    send(client, ChatJson.history(history == null ? List.of() : history));
                    if (failure != null) {
                        send(client, ChatJson.error("history unavailable: Redis did not answer"));
                    }
                    if (chatRoom.members().size() <= s.presenceBroadcastLimit()) {
                        broadcast(chatRoom, ChatJson.joinOrLeave("join", client.name), client);
                    }
                    return null;
                }, workers));
        if (!queued) {
            close(client, CloseCodes.TRY_AGAIN_LATER, "room busy, try again later");
            return null;
        }
        return client;
    }

    /** A text frame from a client. */
    void message(ChatClient client, String frame) {
        if (client.isClosed()) {
            return;
        }
        ChatSettings s = settings();
        if (frame.length() > s.maxFrameBytes() || Outbox.Frame.of(frame).bytes() > s.maxFrameBytes()) {
            close(client, CloseCodes.TOO_BIG, "frame larger than " + s.maxFrameBytes() + " bytes", true);
            return;
        }
        switch (client.limiter.take(System.nanoTime())) {
            case ABUSE -> {
                close(client, POLICY, "flooding", true);
                return;
            }
            case REFUSE -> {
                send(client, ChatJson.error("rate limit: at most " + (int) s.ratePerSecond() + " messages per second"));
                return;
            }
            default -> {
            }
        }
        ChatJson.Inbound in = ChatJson.parse(frame);
        if (in.error() != null) {
            send(client, ChatJson.error(in.error()));
            return;
        }
        String text = in.text();
        if (text.isBlank()) {
            send(client, ChatJson.error("empty message"));
            return;
        }
        if (text.codePointCount(0, text.length()) > s.maxTextLength()) {
            send(client, ChatJson.error("text longer than " + s.maxTextLength() + " characters"));
            return;
        }
        metrics.messageIn();
        Room room = rooms.get(client.room);
        if (room == null) {
            return;
        }
        boolean queued = room.then(s.roomQueue(), () -> store.append(client.room, client.name, text, s.streamMaxLength())
                .handleAsync((message, failure) -> {
                    if (failure != null) {
                        send(client, ChatJson.error("message not sent: Redis did not answer"));
                    } else {
                        broadcast(room, ChatJson.message(message), null);
                    }
                    return null;
                }, workers));
        if (!queued) {
            send(client, ChatJson.error("room busy: message not sent"));
        }
    }

    void pong(ChatClient client) {
        client.lastPong = System.nanoTime();
    }

    /** The socket closed (by the peer, an error or us). */
    void closed(ChatClient client) {
        client.markClosed();
        unregister(client);
    }

    void close(ChatClient client, CloseCodes code, String reason) {
        close(client, code, reason, false);
    }

    void close(ChatClient client, CloseCodes code, String reason, boolean flush) {
        if (client.close(code, reason, flush)) {
            unregister(client);
        }
    }

    private void unregister(ChatClient client) {
        if (!clients.remove(client)) {
            return;
        }
        perAddress.computeIfPresent(client.address, (k, n) -> n <= 1 ? null : n - 1);
        Room[] left = new Room[1];
        rooms.computeIfPresent(client.room, (key, room) -> {
            left[0] = room;
            return room.release(client) ? null : room;
        });
        // join/leave cost one frame per member each: O(n²) for a room filling up, so big rooms only get presence on connect
        if (left[0] != null && client.joined && left[0].members().size() < settings().presenceBroadcastLimit()) {
            Room room = left[0];
            room.then(Integer.MAX_VALUE, () -> {
                broadcast(room, ChatJson.joinOrLeave("leave", client.name), null);
                return CompletableFuture.completedFuture(null);
            });
        }
    }

    private void broadcast(Room room, String text, ChatClient except) {
        Outbox.Frame frame = Outbox.Frame.of(text);
        for (ChatClient member : room.members()) {
            if (member != except) {
                send(member, frame);
            }
        }
    }

    private void send(ChatClient client, String text) {
        send(client, Outbox.Frame.of(text));
    }

    private void send(ChatClient client, Outbox.Frame frame) {
        if (client.send(frame)) {
            metrics.messageOut();
        } else {
            metrics.eviction();
            close(client, POLICY, "too slow");
        }
    }

    private ChatClient refuse(Session session, String reason) {
        try {
            session.close(new CloseReason(POLICY, reason));
        } catch (IOException ignored) {
            // already gone
        }
        return null;
    }

    @PreDestroy
    void stop() {
        for (ChatClient client : clients) {
            client.markClosed();
            try {
                client.session.close(new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"));
            } catch (IOException | RuntimeException ignored) {
                // going away anyway
            }
        }
        clients.clear();
        LOG.fine("chat hub stopped");
    }
}
