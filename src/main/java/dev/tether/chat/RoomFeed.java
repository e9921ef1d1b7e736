package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import dev.tether.redis.RedisInternals;
import dev.tether.redis.RedisSettings;
import dev.tether.redis.Reply;
import dev.tether.support.Workers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.RedisConnection;

/**
 * The instance's readers of its rooms' streams: one per Redis master (one on a single Redis or behind Sentinel),
 * each on one dedicated connection however many rooms and clients there are, reading every room with members here
 * whose slot that master serves, each from the last id it read or delivered. A reader whose rooms share one slot
 * (always on a single Redis) blocks in {@code XREAD COUNT … BLOCK … STREAMS}; on a cluster, where one XREAD may name
 * keys of one slot only, a reader with rooms in several slots sends one non-blocking XREAD per slot and waits
 * {@code cluster-poll} ms when all came back empty. What it reads goes to each room's worker in stream order
 * (Deliver steps), with a gap marker when the first entry read names a predecessor newer than the reader's
 * position (entries trimmed before they were read). A room whose worker is behind is left out of the next reads
 * until it catches up. When a room is added the blocked read is cut short with {@code CLIENT UNBLOCK}. After a
 * lost connection (or a MOVED: the room's slot changed master) the reader reconnects with backoff, re-homes its
 * rooms, and continues from the same ids: no gap, no duplicate.
 */
@ApplicationScoped
public class RoomFeed {

    private static final Logger LOG = Logger.getLogger(RoomFeed.class.getName());
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
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /** Reads the room's stream after {@code from} from now on. */
    void follow(Room room, StreamMessageId from) {
        room.read = from;
        room.feedNode = null;
        rooms.put(room.name, room);
        reader(home(room)).wake();
    }

    /** Rooms followed (for the tests' and the README's connection count: one connection per master for all). */
    int following() {
        return rooms.size();
    }

    private Reader reader(String node) {
        return readers.computeIfAbsent(node, Reader::new);
    }

    private boolean cluster() {
        return connector.settings().mode() == RedisSettings.Mode.CLUSTER;
    }

    /** The master that serves the room's stream now ("" on a single Redis), remembered in the room. */
    private String home(Room room) {
        String node = room.feedNode;
        if (node == null) {
            RedisInternals.Node master = cluster() ? connector.internals().masterOf(ChatStore.slot(room.name)) : null;
            node = !cluster() ? "" : master == null ? "?" : master.address();
            room.feedNode = node;
        }
        return node;
    }

    /** One master's reader: its connection, its loop, and the ids it reads from. */
    private final class Reader {
        final String node;
        /** Counts wake() calls; a read built before the latest one is cut short. */
        final AtomicLong generation = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean();
        volatile RedisConnection connection;
        volatile RedisInternals.Node master; // null on a single Redis
        volatile long clientId;
        volatile long inFlight = -1; // generation of the blocked read in flight, -1 otherwise
        int failures; // consecutive, loop thread only

        Reader(String node) {
            this.node = node;
        }

        /** Makes the loop include the rooms added so far: starts it, or cuts its blocked read short. */
        void wake() {
            long wanted = generation.incrementAndGet();
            if (running.compareAndSet(false, true)) {
                execute(this::loop);
            } else {
                unblock(wanted, 0);
            }
        }

        void loop() {
            if (stopped) {
                return;
            }
            long g = generation.get();
            Map<Integer, List<Room>> bySlot = new LinkedHashMap<>();
            boolean held = false;
            for (Room room : rooms.values()) {
                if (room.gone) {
                    rooms.remove(room.name, room);
                } else if (!node.equals(home(room))) {
                    continue;
                } else if (room.backlog.get() > MAX_BACKLOG) {
                    held = true;
                } else {
                    bySlot.computeIfAbsent(node.isEmpty() ? 0 : ChatStore.slot(room.name),
                            k -> new ArrayList<>()).add(room);
                }
            }
            if (bySlot.isEmpty() && !held) {
                running.set(false); // idle until wake(); unless a room came in meanwhile
                if (generation.get() != g && running.compareAndSet(false, true)) {
                    execute(this::loop);
                }
                return;
            }
            RedisConnection c = connection;
            if (c == null || !c.isActive()) {
                connect();
                return;
            }
            if (bySlot.isEmpty()) { // every room here is held back: look again shortly
                later(10);
                return;
            }
            List<List<Room>> groups = new ArrayList<>(bySlot.values());
            boolean block = groups.size() == 1;
            long wait = !block ? 0 : held ? 10 : hub.settings().feedBlock();
            List<CompletableFuture<Reply>> replies = new ArrayList<>(groups.size());
            List<StreamMessageId[]> positions = new ArrayList<>(groups.size());
            inFlight = block ? g : -1;
            try {
                for (List<Room> group : groups) {
                    StreamMessageId[] from = new StreamMessageId[group.size()];
                    List<Object> args = new ArrayList<>(group.size() * 2 + 5);
                    args.addAll(List.of("COUNT", Integer.toString(COUNT)));
                    if (block) {
                        args.addAll(List.of("BLOCK", Long.toString(wait)));
                    }
                    args.add("STREAMS");
                    group.forEach(r -> args.add(ChatStore.key(r.name)));
                    for (int i = 0; i < from.length; i++) {
                        Room r = group.get(i);
                        StreamMessageId delivered = r.delivered; // the fast path may be ahead of the reader
                        from[i] = delivered != null && ChatStore.compare(delivered, r.read) > 0 ? delivered : r.read;
                        args.add(from[i].toString());
                    }
                    positions.add(from);
                    replies.add(RedisInternals.run(c, "XREAD", args.toArray(), wait + connector.settings().timeout())
                            .toCompletableFuture());
                }
            } catch (RuntimeException e) {
                replies.add(CompletableFuture.failedFuture(e));
            }
            boolean heldBack = held;
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                    .whenComplete((ok, error) -> execute(() -> done(c, groups, positions, replies, heldBack)));
        }

        private void done(RedisConnection c, List<List<Room>> groups, List<StreamMessageId[]> positions,
                List<CompletableFuture<Reply>> replies, boolean held) {
            inFlight = -1;
            List<Runnable> toRun = new ArrayList<>(); // room workers to run here once the next read is on its way
            boolean any = false;
            for (int i = 0; i < replies.size(); i++) {
                Reply reply = replies.get(i).isCompletedExceptionally() ? null : replies.get(i).join();
                if (reply == null || reply instanceof Reply.Error || i >= groups.size()) {
                    failed(c, reply instanceof Reply.Error e ? e.message() : String.valueOf(failure(replies.get(i))));
                    return;
                }
                if (reply instanceof Reply.Array streams) {
                    any |= !streams.items().isEmpty();
                    Map<String, Integer> index = new java.util.HashMap<>();
                    List<Room> group = groups.get(i);
                    for (int r = 0; r < group.size(); r++) {
                        index.put(ChatStore.key(group.get(r).name), r);
                    }
                    for (Reply stream : streams.items()) {
                        List<Reply> pair = ((Reply.Array) stream).items();
                        Integer at = index.get(text(pair.get(0)));
                        if (at != null && !group.get(at).gone && pair.get(1) instanceof Reply.Array entries) {
                            read(group.get(at), positions.get(i)[at], entries.items(), toRun);
                        }
                    }
                }
            }
            failures = 0;
            if (groups.size() > 1 && !any) { // polling several slots: wait before the next round
                later(held ? Math.min(10, hub.settings().clusterPoll()) : hub.settings().clusterPoll());
            } else {
                loop(); // queued above in stream order, so the next read's deliveries cannot overtake these
            }
            toRun.forEach(Runnable::run);
        }

        private void failed(RedisConnection c, String why) {
            if (!stopped) {
                LOG.log(failures == 0 ? Level.INFO : Level.FINE, "chat feed " + node + ": read failed, reconnecting: " + why);
            }
            c.closeAsync();
            connection = null;
            reconnectLater();
        }

        private void connect() {
            try {
                RedisInternals.Node found = null;
                if (!node.isEmpty()) {
                    for (RedisInternals.Node m : connector.internals().masters()) {
                        found = m.address().equals(node) ? m : found;
                    }
                    if (found == null) {
                        throw new IllegalStateException("no master " + node);
                    }
                }
                master = found;
                (found == null ? connector.internals().openDedicated() : found.open())
                        .thenCompose(c -> RedisInternals.run(c, "CLIENT", new Object[] {"ID"},
                                connector.settings().timeout()).handle((id, error) -> {
                                    if (id instanceof Reply.Int n) {
                                        clientId = n.value();
                                        return c;
                                    }
                                    c.closeAsync();
                                    throw new IllegalStateException("CLIENT ID failed: " + (error != null ? error : id));
                                })).whenComplete((c, error) -> execute(() -> {
                                    if (error != null) {
                                        reconnectLater();
                                    } else {
                                        connection = c;
                                        loop();
                                    }
                                }));
            } catch (RuntimeException noMasterYet) {
                reconnectLater();
            }
        }

        /** On a cluster the slots may have moved or the master gone: each room finds its master again. */
        private void reconnectLater() {
            if (!node.isEmpty()) {
                for (Room room : rooms.values()) {
                    if (node.equals(room.feedNode)) {
                        room.feedNode = null;
                        String now = home(room);
                        if (!now.equals(node)) {
                            reader(now).wake();
                        }
                    }
                }
            }
            later(Math.min(1000, 50L << Math.min(failures++, 5)));
        }

        /** Runs the loop again after {@code delay} ms. */
        private void later(long delay) {
            if (stopped) {
                return;
            }
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
                return; // between reads or polling (the next one sees it), or the read in flight has it already
            }
            try {
                Object[] args = {"UNBLOCK", Long.toString(clientId)};
                RedisInternals.Node m = master;
                (m == null ? connector.internals().run("CLIENT", args) : connector.internals().run(m, "CLIENT", args))
                        .whenComplete((reply, error) -> {
                            if (!(reply instanceof Reply.Int n && n.value() == 1)) { // not blocked yet: try again
                                connector.scheduler().schedule(() -> unblock(wanted, attempt + 1), 2, TimeUnit.MILLISECONDS);
                            }
                        });
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "chat feed: unblock failed", e); // the read returns by its BLOCK timeout anyway
            }
        }

        void close() {
            RedisConnection c = connection;
            if (c != null) {
                c.closeAsync();
            }
        }
    }

    /**
     * Parses a room's entries read after {@code position}, advances its read id and queues them to the room (with
     * the first one's predecessor when it is newer than {@code position}: a gap); a worker to start goes to
     * {@code start}.
     */
    private void read(Room room, StreamMessageId position, List<Reply> entries, List<Runnable> start) {
        List<ChatMessage> messages = new ArrayList<>(entries.size());
        StreamMessageId gapPrev = null;
        for (Reply entry : entries) {
            List<Reply> idAndFields = ((Reply.Array) entry).items();
            String id = text(idAndFields.get(0));
            String from = "?";
            String text = "";
            String prev = null;
            if (idAndFields.get(1) instanceof Reply.Array fields) {
                for (int i = 0; i + 1 < fields.items().size(); i += 2) {
                    String field = text(fields.items().get(i));
                    if ("from".equals(field)) {
                        from = text(fields.items().get(i + 1));
                    } else if ("text".equals(field)) {
                        text = text(fields.items().get(i + 1));
                    } else if ("prev".equals(field)) {
                        prev = text(fields.items().get(i + 1));
                    }
                }
            }
            if (messages.isEmpty() && prev != null) { // entries without it (written by older builds): unknown
                StreamMessageId before = ChatStore.parseId(prev);
                if (before != null && ChatStore.compare(before, position) > 0) {
                    gapPrev = before;
                }
            }
            messages.add(new ChatMessage(id, room.name, from, text, Long.parseLong(id.substring(0, id.indexOf('-')))));
        }
        if (messages.isEmpty()) {
            return;
        }
        room.read = messages.get(messages.size() - 1).streamId();
        // what this instance stored and broadcast already (the direct path) needs no second pass through the worker
        StreamMessageId delivered = room.delivered;
        if (delivered != null) {
            messages.removeIf(m -> ChatStore.compare(m.streamId(), delivered) <= 0);
            if (messages.isEmpty()) {
                return;
            }
        }
        if (room.anyFromElsewhere(messages)) { // one lock per read, not per message
            room.remoteAt = System.nanoTime() | 1; // never 0 (never)
        }
        room.backlog.addAndGet(messages.size());
        hub.deliver(room, messages, gapPrev, start::add);
    }

    private void execute(Runnable task) {
        try {
            workers.execute(task);
        } catch (RuntimeException shuttingDown) {
            stopped = true;
        }
    }

    private static Throwable failure(CompletableFuture<Reply> f) {
        try {
            f.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private static String text(Reply reply) {
        return reply instanceof Reply.Bulk b ? new String(b.bytes(), StandardCharsets.UTF_8)
                : reply instanceof Reply.Status s ? s.text() : "";
    }

    @PreDestroy
    void stop() {
        stopped = true;
        readers.values().forEach(Reader::close);
    }
}
