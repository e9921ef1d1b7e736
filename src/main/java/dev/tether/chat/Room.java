package dev.tether.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.redisson.api.stream.StreamMessageId;

/**
 * A room: its names, members and pending presence changes, and a queue of steps (messages to store, joins to
 * admit, presence to flush) that one worker at a time takes in batches. A batch's Redis commands go out as one
 * pipeline (XADDs and history reads in queue order), and what it produces is broadcast as one frame encoded once
 * for every member. So the room's order is the stream's order, a joining client's history and the live messages
 * it then gets neither overlap nor leave a gap, and under load a member gets several messages per frame instead
 * of one write per message.
 */
final class Room {

    private static final ChatClient[] NONE = {};
    /** Steps taken per batch: bounds one pipeline and one frame. */
    static final int MAX_BATCH = 256;

    sealed interface Step permits Append, Join, Flush {
    }

    /** Store {@code text} from {@code from} and broadcast it. */
    record Append(ChatClient from, String text) implements Step {
    }

    /** Read the history (the last messages, or those after {@code since}), then admit the client. */
    record Join(ChatClient client, StreamMessageId since) implements Step {
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

    Room(String name) {
        this.name = name;
    }

    /** The free name: {@code wanted}, or it with the first free "-n" suffix. */
    synchronized String freeName(String wanted) {
        String name = wanted;
        for (int n = 2; names.containsKey(name.toLowerCase(Locale.ROOT)); n++) {
            name = Names.withSuffix(wanted, n);
        }
        return name;
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
        List<String> list = new ArrayList<>(more.length);
        for (ChatClient c : more) {
            list.add(c.name);
        }
        list.sort(String.CASE_INSENSITIVE_ORDER);
        return list;
    }

    ChatClient[] members() {
        return members;
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
            if (step != Flush.PRESENCE) {
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
            waiting -= step == Flush.PRESENCE ? 0 : 1;
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
