package dev.tether.chat;

import jakarta.websocket.CloseReason.CloseCodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.redisson.api.stream.StreamMessageId;

/**
 * Runs a room's batches, one at a time per room and lane (its Appends in one, the rest in the other): the batch's
 * Redis commands (XADDs, or history reads) as one pipeline, then its events in order, each stretch of them broadcast
 * as one frame encoded once (a single event object, or a JSON array of events) to the members of that moment. Only
 * stored messages are broadcast, in stream order (Deliver steps): one this instance stored goes out at once when
 * the entry before it is the last one delivered here (the XADD answers that id), else, like every other
 * instance's, when the feed reads it. A Join cuts the stretch: the messages delivered before it go to the members
 * without it, those after to the members with it.
 */
final class RoomWorker {

    private static final Logger LOG = Logger.getLogger(RoomWorker.class.getName());

    /** One event of a frame; {@code id} is the stream id of a message event, else null. */
    private record Event(String json, StreamMessageId id) {
    }

    /** How long after another instance's last message a room counts as one where several instances send. */
    private static final long SHARED_NANOS = 10_000_000_000L;

    private final ChatHub hub;
    private final ChatStore store;
    private final Executor executor;
    private final Executor gather;

    /** {@code gather}: starts a main-lane worker after the merge window (null: no window), see {@link #submit}. */
    RoomWorker(ChatHub hub, ChatStore store, Executor executor, Executor gather) {
        this.hub = hub;
        this.store = store;
        this.executor = executor;
        this.gather = gather;
    }

    /** Queues a step; false when the room's queue is full (tether.chat.room-queue). */
    boolean submit(Room room, Room.Step step) {
        return submit(room, step, executor);
    }

    /**
     * Queues a step; a worker it starts runs on {@code startOn} (the caller's thread: {@code Runnable::run}). In a
     * room where other instances' users send too, a delivery that finds the room idle waits the merge window first:
     * a burst from senders on several instances reaches each instance in pieces (its own appends' results, then one
     * or more feed reads, a round trip apart), and one broadcast of them all costs each member one frame, not three.
     */
    boolean submit(Room room, Room.Step step, Executor startOn) {
        long remoteAt = room.remoteAt;
        Executor later = gather != null && remoteAt != 0 && System.nanoTime() - remoteAt < SHARED_NANOS ? gather : null;
        return room.submit(step, hub.settings().roomQueue(), startOn,
                step instanceof Room.Append ? () -> store(room) : () -> run(room), later);
    }

    /** The Appends lane: XADDs in pipelines, in the order sent; an error frame for each one not stored. */
    private void store(Room room) {
        List<Room.Step> steps = room.take(true);
        if (steps == null) {
            return;
        }
        long pipeline = ++room.pipelinesSent; // before the XADDs can run: a feed read that sees them sees this number
        try {
            store.batch(room.name, steps, new StreamMessageId[steps.size()], hub.settings(), executor)
                    .whenComplete((results, failure) -> {
                        try {
                            deliver(room, steps, results != null ? results : failed(steps.size(), failure), pipeline);
                        } finally {
                            Room.start(executor, () -> store(room));
                        }
                    });
        } catch (RuntimeException e) { // Redisson refused the batch outright (shutting down)
            deliver(room, steps, failed(steps.size(), e), pipeline);
            Room.start(executor, () -> store(room));
        }
    }

    private void run(Room room) {
        List<Room.Step> steps = room.take(false);
        if (steps == null) {
            return;
        }
        if (room.delivered == null && steps.stream().anyMatch(s -> s instanceof Room.Join)) {
            // the room's first Join on this instance: start reading its stream after the newest entry
            try {
                store.newest(room.name, executor).whenComplete((newest, failure) -> {
                    if (newest != null && room.delivered == null) {
                        room.delivered = newest;
                        hub.feed().follow(room, newest);
                    }
                    process(room, steps);
                });
            } catch (RuntimeException e) { // Redisson refused outright (shutting down)
                process(room, steps);
            }
            return;
        }
        process(room, steps);
    }

    private void process(Room room, List<Room.Step> batch) {
        List<Room.Step> steps = plan(room, batch);
        if (steps.isEmpty()) { // all held
            Room.start(executor, () -> run(room));
            return;
        }
        StreamMessageId[] bounds = new StreamMessageId[steps.size()];
        StreamMessageId at = room.delivered;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Room.Deliver d) {
                for (int m = 0; m < d.messages().size(); m++) { // what deliver() will broadcast, step by step
                    StreamMessageId next = d.next(m, at);
                    at = next != null ? next : at;
                }
            } else if (steps.get(i) instanceof Room.Join) {
                bounds[i] = at;
            }
        }
        try {
            store.batch(room.name, steps, bounds, hub.settings(), executor).whenComplete((results, failure) -> {
                try {
                    deliver(room, steps, results != null ? results : failed(steps.size(), failure), 0);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "chat room batch failed in " + room.name, e);
                } finally {
                    Room.start(executor, () -> run(room));
                }
            });
        } catch (RuntimeException e) { // Redisson refused the batch outright (shutting down)
            deliver(room, steps, failed(steps.size(), e), 0);
            Room.start(executor, () -> run(room));
        }
    }

    private static Object[] failed(int n, Throwable failure) {
        Object[] results = new Object[n];
        Arrays.fill(results, failure);
        return results;
    }

    /**
     * The main lane's batch in the order it goes out: a feed Deliver with a gap is held back, with the feed
     * Delivers behind it, until the Deliver of the last append pipeline sent before the feed read it has gone
     * through. Those pipelines' entries may be what the gap skips (trimmed before the feed read them, while their
     * results were still on their way here), and their Deliver brings them to this instance's members first.
     */
    static List<Room.Step> plan(Room room, List<Room.Step> batch) {
        List<Room.Step> steps = null; // the batch itself (the usual case) until a Deliver is held or released
        for (int i = 0; i < batch.size(); i++) {
            Room.Step step = batch.get(i);
            if (step instanceof Room.Deliver d && (d.waitsFor(room.pipelinesDelivered)
                    || d.prevs() == null && !room.held.isEmpty())) {
                steps = steps != null ? steps : new ArrayList<>(batch.subList(0, i));
                room.held.add(d);
                continue;
            }
            if (steps != null) {
                steps.add(step);
            }
            if (step instanceof Room.Deliver d && d.prevs() != null) {
                room.pipelinesDelivered = d.pipeline();
                while (!room.held.isEmpty() && !room.held.peek().waitsFor(room.pipelinesDelivered)) {
                    steps = steps != null ? steps : new ArrayList<>(batch.subList(0, i + 1));
                    steps.add(room.held.poll());
                }
            }
        }
        return steps != null ? steps : batch;
    }

    /** Sends a batch's events; {@code pipeline} numbers an Appends batch (0 for the main lane's). */
    private void deliver(Room room, List<Room.Step> steps, Object[] results, long pipeline) {
        List<Event> events = new ArrayList<>();
        List<ChatMessage> stored = new ArrayList<>();
        List<StreamMessageId> prevs = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Room.Step step = steps.get(i);
            Object result = results[i];
            if (step instanceof Room.Append a) {
                if (result instanceof ChatStore.Stored s && s.id() != null && s.prev() != null) {
                    stored.add(new ChatMessage(s.id().toString(), room.name, a.from().name, a.text(), s.id().getId0()));
                    prevs.add(s.prev());
                } else {
                    LOG.log(Level.FINE, result instanceof Throwable t ? t : null, () -> "chat: a message to " + room.name + " not stored");
                    hub.send(a.from(), ChatJson.error("message not sent: Redis did not answer"));
                }
            } else if (step instanceof Room.Deliver d) {
                if (d.prevs() == null) {
                    room.backlog.addAndGet(-d.messages().size());
                }
                // a gap only if the members have not got the first entry's predecessor (the fast path may have)
                boolean gap = d.gapPrev() != null && room.delivered != null
                        && ChatStore.compare(d.gapPrev(), room.delivered) > 0;
                for (int m = 0; m < d.messages().size(); m++) {
                    StreamMessageId next = d.next(m, room.delivered);
                    if (next != null) {
                        if (gap) {
                            events.add(new Event(ChatJson.gap(room.delivered.toString(), d.messages().get(m).id()), null));
                            gap = false;
                        }
                        events.add(new Event(ChatJson.message(d.messages().get(m)), next));
                        room.delivered = next;
                    }
                }
            } else if (step instanceof Room.Join j) {
                broadcast(room, events);
                events.clear();
                admit(room, j, result);
            } else {
                room.takePresence().forEach(e -> events.add(new Event(e, null)));
            }
        }
        broadcast(room, events);
        if (pipeline > 0) {
            // the fast path: broadcast now what directly follows what this instance delivered (see Deliver.next);
            // the rest (another instance's entry came between) arrives through the feed. Sent even when empty: it
            // releases the feed Delivers held for this pipeline (see plan), and restarts the main lane if it held
            // back what the feed read meanwhile (Room.take)
            room.stored();
            submit(room, new Room.Deliver(stored, prevs, null, pipeline), Runnable::run);
        }
    }

    private void admit(Room room, Room.Join join, Object history) {
        ChatClient client = join.client();
        if (room.delivered == null) {
            hub.close(client, CloseCodes.TRY_AGAIN_LATER, "Redis unavailable, try again later");
            return;
        }
        if (join.since() != null && ChatStore.compare(join.since(), room.delivered) > 0) {
            client.resumeAfter = join.since(); // it saw more (on another instance) than this one delivered yet
        }
        List<String> names = room.admit(client);
        if (names == null) {
            return; // closed while its history was read
        }
        hub.send(client, ChatJson.presence(names));
        hub.send(client, ChatJson.history(history instanceof ChatStore.History h ? h : new ChatStore.History(List.of(), true)));
        if (history instanceof Throwable) {
            hub.send(client, ChatJson.error("history unavailable: Redis did not answer"));
        }
        hub.presence().joined(room, client);
        hub.presenceChanged(room);
    }

    private void broadcast(Room room, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        Outbox.Frame frame = null;
        ChatClient[] members = room.members();
        for (ChatClient member : members) {
            StreamMessageId after = member.resumeAfter;
            if (after != null) {
                sendAfter(member, events, after);
                continue;
            }
            if (frame == null) {
                frame = frame(events);
            }
            hub.send(member, frame);
        }
        hub.sent(members.length);
    }

    /** A member that resumed past what this instance had delivered: only the messages it has not seen. */
    private void sendAfter(ChatClient member, List<Event> events, StreamMessageId after) {
        List<Event> unseen = new ArrayList<>(events.size());
        for (Event e : events) {
            if (e.id() == null || ChatStore.compare(e.id(), after) > 0) {
                unseen.add(e);
            }
        }
        Event last = events.stream().filter(e -> e.id() != null).reduce((a, b) -> b).orElse(null);
        if (last != null && ChatStore.compare(last.id(), after) >= 0) {
            member.resumeAfter = null;
        }
        if (!unseen.isEmpty()) {
            hub.send(member, frame(unseen));
        }
    }

    private static Outbox.Frame frame(List<Event> events) {
        if (events.size() == 1) {
            return Outbox.Frame.of(events.get(0).json());
        }
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < events.size(); i++) {
            array.append(i == 0 ? "" : ",").append(events.get(i).json());
        }
        return Outbox.Frame.of(array.append(']').toString());
    }

}
