package dev.tether.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.stream.StreamMessageId;

/**
 * A room on this instance: its names, members and pending presence changes, and a queue of steps (messages to
 * store, joins to admit, messages read back from the stream to deliver, presence to flush) that one worker at a
 * time takes in batches. The room's Redis stream is the order of record: a client's message is stored (XADD) and
 * reaches every member, its sender included, only when the instance's {@link RoomFeed} reads it back, so every
 * instance delivers the same messages in the same order. A Join reads the history up to what the members got so
 * far ({@link #delivered}), so history and live messages neither overlap nor leave a gap.
 */
final class Room {

    private static final ChatClient[] NONE = {};
    /** Steps taken per batch: bounds one pipeline and one frame. */
    static final int MAX_BATCH = 256;

    sealed interface Step permits Append, Join, Deliver, Flush {
    }

    /** Store {@code text} from {@code from} and broadcast it. */
    record Append(ChatClient from, String text) implements Step {
    }

    /** Read the history (the last messages, or those after {@code since}), then admit the client. */
    record Join(ChatClient client, StreamMessageId since) implements Step {
    }

    /** Broadcast messages the instance's {@link RoomFeed} read from the room's stream (in stream order). */
    record Deliver(List<ChatMessage> messages) implements Step {
    }

    /** Broadcast the presence changes gathered since the last flush. */
    enum Flush implements Step { PRESENCE }

    final String name;
    private final Map<String, ChatClient> names = new HashMap<>(); // lower-case name -> client, guarded by this
    private volatile ChatClient[] members = NONE; // copy on write: a broadcast walks a plain array
    private final List<String> presence = new ArrayList<>(); // encoded join/leave events, guarded by this
    private final ArrayList<Step> queue = new ArrayList<>(); // guarded by this
    private int waiting; // Append and Join steps queued, guarded by this
    private boolean running; // a worker owns the queue, guarded by this
    private Set<String> remote = Set.of(); // names online on other instances (last presence sync), guarded by this
    /** The last stream id broadcast to the members; null until the first Join started the room. Worker only. */
    volatile StreamMessageId delivered;
    /** The last stream id the feed read for this room. Feed only. */
    volatile StreamMessageId read;
    /** Messages read by the feed and not yet broadcast: the feed stops reading the room while it is high. */
    final AtomicInteger backlog = new AtomicInteger();
    /** Set when the hub dropped the room (its last client left): the feed forgets it. */
    volatile boolean gone;

    Room(String name) {
        this.name = name;
    }

    /** The free name: {@code wanted}, or it with the first free "-n" suffix. */
    synchronized String freeName(String wanted) {
        String name = wanted;
        for (int n = 2; names.containsKey(name.toLowerCase(Locale.ROOT)) || remoteHas(name); n++) {
            name = Names.withSuffix(wanted, n);
        }
        return name;
    }

    private boolean remoteHas(String name) {
        for (String r : remote) {
            if (r.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    synchronized void reserve(ChatClient client) {
        names.put(client.name.toLowerCase(Locale.ROOT), client);
    }

    /** Releases the client's name and membership (a leave event if it had joined); true if the room is now empty. */
    synchronized boolean release(ChatClient client) {
        names.remove(client.name.toLowerCase(Locale.ROOT), client);
        ChatClient[] now = members;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == client) {
                ChatClient[] fewer = Arrays.copyOf(now, now.length - 1);
                System.arraycopy(now, i + 1, fewer, i, now.length - i - 1);
                members = fewer;
                presence.add(ChatJson.joinOrLeave("leave", client.name));
                break;
            }
        }
        return names.isEmpty();
    }

    /**
     * Makes the client a member unless it closed meanwhile, records its join, and answers the sorted names of
     * the members (including it) at that instant, or null. Later presence changes reach it in later flushes.
     */
    synchronized List<String> admit(ChatClient client) {
        if (client.isClosed()) {
            return null;
        }
        ChatClient[] more = Arrays.copyOf(members, members.length + 1);
        more[more.length - 1] = client;
        members = more;
        client.joined = true;
        presence.add(ChatJson.joinOrLeave("join", client.name));
        List<String> list = new ArrayList<>(more.length + remote.size());
        for (ChatClient c : more) {
            list.add(c.name);
        }
        for (String name : remote) {
            if (!names.containsKey(name.toLowerCase(Locale.ROOT))) { // the same name here and elsewhere: once
                list.add(name);
            }
        }
        list.sort(String.CASE_INSENSITIVE_ORDER);
        return list;
    }

    ChatClient[] members() {
        return members;
    }

    /** The names online elsewhere changed (presence sync): records their joins and leaves; true if any. */
    synchronized boolean remote(Set<String> now) {
        boolean changed = false;
        for (String name : remote) {
            if (!now.contains(name)) {
                presence.add(ChatJson.joinOrLeave("leave", name));
                changed = true;
            }
        }
        for (String name : now) {
            if (!remote.contains(name)) {
                presence.add(ChatJson.joinOrLeave("join", name));
                changed = true;
            }
        }
        remote = Set.copyOf(now);
        return changed;
    }

    /** Takes the presence events gathered since the last call. */
    synchronized List<String> takePresence() {
        if (presence.isEmpty()) {
            return List.of();
        }
        List<String> taken = new ArrayList<>(presence);
        presence.clear();
        return taken;
    }

    synchronized boolean presencePending() {
        return !presence.isEmpty();
    }

    /**
     * Queues a step and starts a worker on {@code executor} unless one runs. Refuses an Append or Join (false)
     * when {@code limit} of them wait already, e.g. while Redis is slow, so the queue stays bounded.
     */
    boolean submit(Step step, int limit, Executor executor, Runnable worker) {
        synchronized (this) {
            if (step instanceof Deliver) {
                // never refused: the feed already bounds what it reads ahead (backlog)
            } else if (step != Flush.PRESENCE) {
                if (waiting >= limit) {
                    return false;
                }
                waiting++;
            } else if (queue.contains(Flush.PRESENCE)) {
                return true;
            }
            queue.add(step);
            if (running) {
                return true;
            }
            running = true;
        }
        start(executor, worker);
        return true;
    }

    /** The next batch for the worker that owns the queue, or null (and the worker stops) when it is empty. */
    synchronized List<Step> take() {
        if (queue.isEmpty()) {
            running = false;
            return null;
        }
        int n = Math.min(MAX_BATCH, queue.size());
        List<Step> batch = new ArrayList<>(queue.subList(0, n));
        queue.subList(0, n).clear();
        for (Step step : batch) {
            waiting -= step == Flush.PRESENCE || step instanceof Deliver ? 0 : 1;
        }
        return batch;
    }

    static void start(Executor executor, Runnable worker) {
        try {
            executor.execute(worker);
        } catch (RejectedExecutionException shuttingDown) {
            // undeploying: the clients are being closed
        }
    }
}
