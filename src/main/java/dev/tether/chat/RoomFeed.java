package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import dev.tether.redis.RedisInternals;
import dev.tether.redis.Reply;
import dev.tether.support.Workers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.RedisConnection;

/**
 * The instance's one reader of its rooms' streams: a loop of {@code XREAD COUNT … BLOCK … STREAMS} over every room
 * with members here, each from the last id it read, on one dedicated connection however many rooms and clients
 * there are. What it reads goes to each room's worker in stream order (Deliver steps), the instance's own
 * clients' messages included. A room whose worker is behind is left out of the next reads until it catches up
 * (the stream keeps what it has not read yet). When a room is added the blocked read is cut short with
 * {@code CLIENT UNBLOCK}. After a lost connection it reconnects with backoff and continues from the same ids:
 * no gap, no duplicate.
 */
@ApplicationScoped
public class RoomFeed {

    private static final Logger LOG = Logger.getLogger(RoomFeed.class.getName());
    private static final String PREFIX = ChatStore.key("");
    /** Entries per stream and read; also the unit of the backlog a room may have before it is held back. */
    static final int COUNT = Room.MAX_BATCH;
    static final int MAX_BACKLOG = 4 * COUNT;

    @Inject
    RedisConnector connector;

    @Inject
    Workers workers;

    @Inject
    ChatHub hub;

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    /** Counts follow() calls; a read built before the latest one is cut short. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    /** A key nobody writes: the read blocks on it while no room is followed. */
    private final String idleKey = "tether:chat:feed-idle:" + UUID.randomUUID();
    private volatile RedisConnection connection;
    private volatile long clientId;
    private volatile long inFlight = -1; // generation of the read in flight, -1 between reads
    private volatile boolean stopped;
    private int failures; // consecutive, loop thread only

    /** Reads the room's stream after {@code from} from now on. */
    void follow(Room room, StreamMessageId from) {
        room.read = from;
        rooms.put(room.name, room);
        long wanted = generation.incrementAndGet();
        if (started.compareAndSet(false, true)) {
            workers.execute(this::loop);
        } else {
            unblock(wanted, 0);
        }
    }

    /** Rooms followed (for the tests' and the README's connection count: one connection for all of them). */
    int following() {
        return rooms.size();
    }

    private void loop() {
        if (stopped) {
            return;
        }
        RedisConnection c = connection;
        if (c == null || !c.isActive()) {
            connect();
            return;
        }
        long g = generation.get();
        List<Room> order = new ArrayList<>();
        boolean held = false;
        for (Room room : rooms.values()) {
            if (room.gone) {
                rooms.remove(room.name, room);
            } else if (room.backlog.get() > MAX_BACKLOG) {
                held = true;
            } else {
                order.add(room);
            }
        }
        long block = held ? 10 : hub.settings().feedBlock();
        List<Object> args = new ArrayList<>(order.size() * 2 + 7);
        args.addAll(List.of("COUNT", Integer.toString(COUNT), "BLOCK", Long.toString(block), "STREAMS"));
        if (order.isEmpty()) {
            args.add(idleKey);
            args.add("$");
        } else {
            order.forEach(r -> args.add(ChatStore.key(r.name)));
            order.forEach(r -> args.add(r.read.toString()));
        }
        inFlight = g;
        try {
            RedisInternals.run(c, "XREAD", args.toArray(), block + connector.settings().timeout())
                    .whenComplete((reply, error) -> execute(() -> done(c, order, reply, error)));
        } catch (RuntimeException e) {
            done(c, order, null, e);
        }
    }

    private void done(RedisConnection c, List<Room> order, Reply reply, Throwable error) {
        inFlight = -1;
        if (error != null || reply instanceof Reply.Error) {
            if (!stopped) {
                LOG.log(failures == 0 ? Level.INFO : Level.FINE, "chat feed: read failed, reconnecting: "
                        + (error != null ? error : ((Reply.Error) reply).message()));
            }
            c.closeAsync();
            connection = null;
            later();
            return;
        }
        failures = 0;
        List<Runnable> toRun = new ArrayList<>(); // room workers to run here once the next read is on its way
        if (reply instanceof Reply.Array streams) {
            Map<String, Room> byKey = new HashMap<>();
            order.forEach(r -> byKey.put(ChatStore.key(r.name), r));
            for (Reply stream : streams.items()) {
                List<Reply> pair = ((Reply.Array) stream).items();
                Room room = byKey.get(text(pair.get(0)));
                if (room != null && !room.gone && pair.get(1) instanceof Reply.Array entries) {
                    read(room, entries.items(), toRun);
                }
            }
        }
        loop(); // queued above in stream order, so the next read's deliveries cannot overtake these
        toRun.forEach(Runnable::run);
    }

    /** Parses a room's entries, advances its read id and queues them to the room; a worker to start goes to {@code start}. */
    private void read(Room room, List<Reply> entries, List<Runnable> start) {
        List<ChatMessage> messages = new ArrayList<>(entries.size());
        for (Reply entry : entries) {
            List<Reply> idAndFields = ((Reply.Array) entry).items();
            String id = text(idAndFields.get(0));
            String from = "?";
            String text = "";
            if (idAndFields.get(1) instanceof Reply.Array fields) {
                for (int i = 0; i + 1 < fields.items().size(); i += 2) {
                    String field = text(fields.items().get(i));
                    if ("from".equals(field)) {
                        from = text(fields.items().get(i + 1));
                    } else if ("text".equals(field)) {
                        text = text(fields.items().get(i + 1));
                    }
                }
            }
            messages.add(new ChatMessage(id, room.name, from, text, Long.parseLong(id.substring(0, id.indexOf('-')))));
        }
        if (messages.isEmpty()) {
            return;
        }
        room.read = messages.get(messages.size() - 1).streamId();
        room.backlog.addAndGet(messages.size());
        hub.deliver(room, messages, start::add);
    }

    private void connect() {
        try {
            connector.internals().openDedicated().thenCompose(c -> RedisInternals.run(c, "CLIENT", new Object[] {"ID"},
                    connector.settings().timeout()).handle((id, error) -> {
                        if (id instanceof Reply.Int n) {
                            clientId = n.value();
                            return c;
                        }
                        c.closeAsync();
                        throw new IllegalStateException("CLIENT ID failed: " + (error != null ? error : id));
                    })).whenComplete((c, error) -> execute(() -> {
                        if (error != null) {
                            later();
                        } else {
                            connection = c;
                            loop();
                        }
                    }));
        } catch (RuntimeException noMasterYet) {
            later();
        }
    }

    /** Retries the loop after a backoff (50 ms doubling up to 1 s). */
    private void later() {
        if (stopped) {
            return;
        }
        long delay = Math.min(1000, 50L << Math.min(failures++, 5));
        try {
            connector.scheduler().schedule(() -> execute(this::loop), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException shuttingDown) {
            stopped = true;
        }
    }

    /** Cuts the blocked read short so the next one includes what {@code wanted} added; retried until it is in. */
    private void unblock(long wanted, int attempt) {
        long current = inFlight;
        if (stopped || current == -1 || current >= wanted || attempt > 100) {
            return; // between reads (the next one sees it), or the read in flight has it already
        }
        try {
            connector.internals().run("CLIENT", new Object[] {"UNBLOCK", Long.toString(clientId)})
                    .whenComplete((reply, error) -> {
                        if (!(reply instanceof Reply.Int n && n.value() == 1)) { // not blocked yet: try again
                            connector.scheduler().schedule(() -> unblock(wanted, attempt + 1), 2, TimeUnit.MILLISECONDS);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "chat feed: unblock failed", e); // the read returns by its BLOCK timeout anyway
        }
    }

    private void execute(Runnable task) {
        try {
            workers.execute(task);
        } catch (RuntimeException shuttingDown) {
            stopped = true;
        }
    }

    private static String text(Reply reply) {
        return reply instanceof Reply.Bulk b ? new String(b.bytes(), StandardCharsets.UTF_8)
                : reply instanceof Reply.Status s ? s.text() : "";
    }

    @PreDestroy
    void stop() {
        stopped = true;
        RedisConnection c = connection;
        if (c != null) {
            c.closeAsync();
        }
    }
}
