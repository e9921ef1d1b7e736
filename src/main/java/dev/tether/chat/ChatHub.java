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
import dev.tether.redis.RedisMonitor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.redisson.api.stream.StreamMessageId;

/**
 * Registers chat connections, checks what clients send, and hands each room's work (stores, joins, presence) to
 * its {@link RoomWorker}; keeps rooms, per-address counts and the rooms with presence changes to flush.
 */
@ApplicationScoped
public class ChatHub {

    private static final Logger LOG = Logger.getLogger(ChatHub.class.getName());
    static final CloseCodes POLICY = CloseCodes.VIOLATED_POLICY;

    @Inject
    Config config;

    @Inject
    ChatStore store;

    /** Room workers run here: never on a Redisson Netty thread. */
    @Inject
    Workers workers;

    @Inject
    ChatMetrics metrics;

    @Inject
    RoomFeed feed;

    @Inject
    ChatPresence presence;

    @Inject
    RedisMonitor monitor;

    /** Closes sockets, off socket and Redis threads and off the one-thread scheduler that runs the heartbeat. */
    @Resource
    ManagedExecutorService closer;

    private volatile ChatSettings settings;
    private volatile RoomWorker worker;
    private final Set<Room> dirty = ConcurrentHashMap.newKeySet();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<ChatClient> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean redisUp = true; // as last told to the clients
    private volatile boolean everUp; // the health check has seen Redis answer since the deployment

    public ChatSettings settings() {
        if (settings == null) {
            settings = ChatSettings.from(config);
        }
        return settings;
    }

    private RoomWorker worker() {
        if (worker == null) {
            long window = settings().mergeWindow() * 1_000_000L;
            worker = new RoomWorker(this, store, workers, window > 0 ? task -> workers.executeAfter(task, window) : null);
        }
        return worker;
    }

    Set<ChatClient> clients() {
        return clients;
    }

    RoomFeed feed() {
        return feed;
    }

    ChatPresence presence() {
        return presence;
    }

    /** The rooms with clients on this instance. */
    Iterable<Room> roomList() {
        return rooms.values();
    }

    /**
     * Messages the feed read from the room's stream, queued to broadcast in order; a room worker this starts goes to
     * {@code startOn} (the feed runs it on its own thread, saving a thread hand-off per delivery).
     */
    void deliver(Room room, List<ChatMessage> messages, StreamMessageId gapPrev, java.util.concurrent.Executor startOn) {
        worker().submit(room, new Room.Deliver(messages, null, gapPrev, gapPrev == null ? 0 : room.pipelinesSent), startOn);
    }

    /** Tells every client when Redis becomes unreachable and when it is back (the health check's view). */
    void checkRedis() {
        RedisMonitor.Status status = monitor.status();
        everUp |= status.up();
        // before Redis first answered (a slow start) there is nothing to report: it was never "up" for the clients
        boolean up = status.up() || !everUp;
        if (up != redisUp) {
            redisUp = up;
            Outbox.Frame frame = Outbox.Frame.of(ChatJson.status(up));
            for (ChatClient client : clients) {
                send(client, frame);
            }
            sent(clients.size());
        }
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
        // no idle timeout: Tyrus counts only data frames as activity, so it closed quiet clients that answer pings
        TyrusIdleTimer.bypass(session);
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
        if (!redisUp) {
            send(client, ChatJson.status(false));
        }
        if (!worker().submit(chatRoom, new Room.Join(client, sinceId))) {
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
        if (frame.length() > s.maxFrameBytes() || Outbox.utf8Length(frame) > s.maxFrameBytes()) {
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
        if (room != null && !worker().submit(room, new Room.Append(client, text))) {
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
            if (room.release(client)) {
                room.gone = true;
                return null;
            }
            return room;
        });
        if (left[0] != null && client.joined) {
            presence.left(left[0].name, client);
            presenceChanged(left[0]);
        }
    }

    /** The room has presence events to broadcast at the next presence tick. */
    void presenceChanged(Room room) {
        dirty.add(room);
    }

    /** Every presence-interval: one frame per changed room with all its joins and leaves since the last tick. */
    void flushPresence() {
        for (Room room : dirty) {
            dirty.remove(room);
            if (room.presencePending()) {
                worker().submit(room, Room.Flush.PRESENCE);
            }
        }
    }

    void send(ChatClient client, String text) {
        send(client, Outbox.Frame.of(text));
        metrics.messagesOut(1);
    }

    /** Queues a frame to one client, or evicts it when its outbox is full. Counted by the caller ({@link #sent}). */
    void send(ChatClient client, Outbox.Frame frame) {
        if (!client.send(frame)) {
            metrics.eviction();
            close(client, POLICY, "too slow");
        }
    }

    void sent(int frames) {
        metrics.messagesOut(frames);
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
