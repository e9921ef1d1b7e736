package dev.tether.chat;

import java.util.ArrayDeque;
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
import java.util.function.Predicate;
import org.redisson.api.stream.StreamMessageId;

/**
 * A room on this instance: its names, members and pending presence changes, and two queues of steps (messages to
 * store; joins to admit, messages read back from the stream to deliver, presence to flush), each taken in batches
 * by one worker at a time. The room's Redis stream is the order of record: a client's message is stored (XADD) and
 * reaches every member, its sender included, only once stored and in stream order (at once when it directly follows
 * what was delivered here, else when the instance's {@link RoomFeed} reads it), so every instance delivers the same
 * messages in the same order. A Join reads the history up to what the members got so
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

    /**
     * Broadcast messages in stream order: read by the instance's {@link RoomFeed} ({@code prevs} null; each is
     * new if newer than what was delivered; {@code gapPrev} non-null when the first one's predecessor, that id, is
     * newer than where the feed read from: entries were trimmed before it read them), or just stored here by append
     * pipeline number {@code pipeline} ({@code prevs}: the id of each one's predecessor in the stream; each goes out
     * only if its predecessor is exactly the last message delivered, else the feed brings it). A feed Deliver with
     * a gap carries the number of the last pipeline sent before the feed read it: it waits for that pipeline's
     * Deliver (see {@link RoomWorker}), so a gap never skips messages this instance stored itself.
     */
    record Deliver(List<ChatMessage> messages, List<StreamMessageId> prevs, StreamMessageId gapPrev, long pipeline)
            implements Step {

        /** The new last-delivered id if message {@code i} goes out after {@code at}, else null. */
        StreamMessageId next(int i, StreamMessageId at) {
            StreamMessageId id = messages.get(i).streamId();
            if (prevs == null) {
                return at == null || ChatStore.compare(id, at) > 0 ? id : null;
            }
            return at != null && ChatStore.compare(prevs.get(i), at) == 0 ? id : null;
        }

        /** A feed Deliver that must wait until the Deliver of pipeline {@code delivered} has gone through. */
        boolean waitsFor(long delivered) {
            return prevs == null && gapPrev != null && pipeline > delivered;
        }
    }

    /** Broadcast the presence changes gathered since the last flush. */
    enum Flush implements Step { PRESENCE }

    final String name;
    private final Map<String, ChatClient> names = new HashMap<>(); // lower-case name -> client, guarded by this
    private volatile ChatClient[] members = NONE; // copy on write: a broadcast walks a plain array
    private final List<String> presence = new ArrayList<>(); // encoded join/leave events, guarded by this
    /**
     * Two lanes, each with at most one worker: the messages to store (XADDs, in the order clients sent them), and
     * everything else (joins, deliveries, presence), so a delivery never waits behind an XADD's round trip.
     */
    private final Lane appends = new Lane();
    private final Lane main = new Lane();
    private Set<String> remote = Set.of(); // names online on other instances (last presence sync), guarded by this
    // the members' names and the remote ones, each kept in case-insensitive order: a join's online list is a merge
    // of the two, not a sort of the whole room per join (a quarter of the CPU samples of 1,000 clients joining)
    private String[] memberNames = {};
    private String[] remoteNames = {};
    /** The last stream id broadcast to the members; null until the first Join started the room. Worker only. */
    volatile StreamMessageId delivered;
    /** The last stream id the feed read for this room. Feed only. */
    volatile StreamMessageId read;
    /** The master whose reader follows this room ("" on a single Redis); null until the feed assigns one. */
    volatile String feedNode;
    /** Messages read by the feed and not yet broadcast: the feed stops reading the room while it is high. */
    final AtomicInteger backlog = new AtomicInteger();
    /** Append pipelines sent (appends lane only; the feed reads it). */
    volatile long pipelinesSent;
    /** The number of the last append pipeline whose Deliver went through the main lane. Main lane only. */
    long pipelinesDelivered;
    /** Feed Delivers waiting for an append pipeline's Deliver (see {@link Deliver#waitsFor}). Main lane only. */
    final ArrayDeque<Deliver> held = new ArrayDeque<>();
    /** When (nanoTime, 0: never) the feed last read a message from another instance's user ({@link #anyFromElsewhere}). */
    volatile long remoteAt;
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

    /** True if a message's sender is no name of this instance's members: it was sent on another instance. */
    synchronized boolean anyFromElsewhere(List<ChatMessage> messages) {
        for (ChatMessage m : messages) {
            if (!names.containsKey(m.from().toLowerCase(Locale.ROOT))) {
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
                memberNames = without(memberNames, client.name);
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
        memberNames = with(memberNames, client.name);
        return online(memberNames, remoteNames, name -> names.containsKey(name.toLowerCase(Locale.ROOT)));
    }

    /** {@code sorted} (case-insensitive order) with {@code name} inserted in its place. */
    static String[] with(String[] sorted, String name) {
        int at = Arrays.binarySearch(sorted, name, String.CASE_INSENSITIVE_ORDER);
        at = at < 0 ? -at - 1 : at;
        String[] more = new String[sorted.length + 1];
        System.arraycopy(sorted, 0, more, 0, at);
        more[at] = name;
        System.arraycopy(sorted, at, more, at + 1, sorted.length - at);
        return more;
    }

    /** {@code sorted} without {@code name} (compared ignoring case), or itself when it lacks it. */
    static String[] without(String[] sorted, String name) {
        int at = Arrays.binarySearch(sorted, name, String.CASE_INSENSITIVE_ORDER);
        if (at < 0) {
            return sorted;
        }
        String[] fewer = new String[sorted.length - 1];
        System.arraycopy(sorted, 0, fewer, 0, at);
        System.arraycopy(sorted, at + 1, fewer, at, sorted.length - at - 1);
        return fewer;
    }

    /** The online list: both sorted arrays merged in order, a remote name taken here too ({@code local}) once. */
    static List<String> online(String[] members, String[] remote, Predicate<String> local) {
        List<String> list = new ArrayList<>(members.length + remote.length);
        for (int i = 0, r = 0; i < members.length || r < remote.length;) {
            if (r == remote.length || i < members.length && String.CASE_INSENSITIVE_ORDER.compare(members[i], remote[r]) <= 0) {
                list.add(members[i++]);
            } else if (!local.test(remote[r++])) {
                list.add(remote[r - 1]);
            }
        }
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
        if (changed) {
            remote = Set.copyOf(now);
            remoteNames = remote.toArray(String[]::new);
            Arrays.sort(remoteNames, String.CASE_INSENSITIVE_ORDER);
        }
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

    /** A queue of steps, guarded by the room. */
    private static final class Lane {
        final ArrayList<Step> queue = new ArrayList<>();
        int waiting; // Append and Join steps queued
        boolean running; // a worker owns the queue
        boolean storing; // Appends lane: a batch taken and its results not yet handed to the other lane
    }

    private Lane lane(boolean appending) {
        return appending ? appends : main;
    }

    /**
     * Queues a step in its lane (Appends in theirs, the rest in the other) and starts {@code worker} (the lane's)
     * on {@code executor} unless one runs. Refuses an Append or Join (false) when {@code limit} of them wait in
     * the lane already, e.g. while Redis is slow, so the queues stay bounded.
     */
    boolean submit(Step step, int limit, Executor executor, Runnable worker) {
        return submit(step, limit, executor, worker, null);
    }

    /**
     * As above; a Deliver that finds the main lane idle and empty starts its worker through {@code gather} instead
     * (later: what arrives meanwhile joins its broadcast), when that is not null.
     */
    boolean submit(Step step, int limit, Executor executor, Runnable worker, Executor gather) {
        boolean first;
        synchronized (this) {
            Lane lane = lane(step instanceof Append);
            first = lane.queue.isEmpty();
            if (step instanceof Deliver) {
                // never refused: the feed already bounds what it reads ahead (backlog)
            } else if (step != Flush.PRESENCE) {
                if (lane.waiting >= limit) {
                    return false;
                }
                lane.waiting++;
            } else if (lane.queue.contains(Flush.PRESENCE)) {
                return true;
            }
            lane.queue.add(step);
            if (lane.running) {
                return true;
            }
            lane.running = true;
        }
        start(gather != null && first && step instanceof Deliver ? gather : executor, worker);
        return true;
    }

    /**
     * The next batch of a lane for the worker that owns it, or null (and the worker stops) when it is empty, or when
     * all it holds is what the feed read while this instance's own XADDs are in flight: those come back within a
     * round trip and usually interleave with what was read (another instance's burst arrives with ours), so waiting
     * for them makes one broadcast of the two instead of two. The Deliver that {@link #stored} announces restarts it.
     */
    synchronized List<Step> take(boolean appending) {
        Lane lane = lane(appending);
        if (lane.queue.isEmpty() || !appending && appends.storing && onlyRead(lane.queue)) {
            lane.running = false;
            return null;
        }
        int n = Math.min(MAX_BATCH, lane.queue.size());
        List<Step> batch = new ArrayList<>(lane.queue.subList(0, n));
        lane.queue.subList(0, n).clear();
        for (Step step : batch) {
            lane.waiting -= step == Flush.PRESENCE || step instanceof Deliver ? 0 : 1;
        }
        appends.storing |= appending;
        return batch;
    }

    /** The Appends lane's batch has its results; the Deliver of them goes to the other lane next. */
    synchronized void stored() {
        appends.storing = false;
    }

    private static boolean onlyRead(List<Step> steps) {
        for (Step step : steps) {
            if (!(step instanceof Deliver d) || d.prevs() != null) {
                return false;
            }
        }
        return true;
    }

    static void start(Executor executor, Runnable worker) {
        try {
            executor.execute(worker);
        } catch (RejectedExecutionException shuttingDown) {
            // undeploying: the clients are being closed
        }
    }
}
