package dev.tether.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.redisson.api.stream.StreamMessageId;

/**
 * Runs a room's batches, one at a time per room: the batch's Redis commands as one pipeline, then its events in
 * order, each stretch of them broadcast as one frame encoded once (a single event object, or a JSON array of
 * events) to the members of that moment. A Join cuts the stretch: the messages stored before its history read
 * go to the members without it, those after to the members with it.
 */
final class RoomWorker {

    private static final Logger LOG = Logger.getLogger(RoomWorker.class.getName());

    private final ChatHub hub;
    private final ChatStore store;
    private final Executor executor;

    RoomWorker(ChatHub hub, ChatStore store, Executor executor) {
        this.hub = hub;
        this.store = store;
        this.executor = executor;
    }

    /** Queues a step; false when the room's queue is full (tether.chat.room-queue). */
    boolean submit(Room room, Room.Step step) {
        return room.submit(step, hub.settings().roomQueue(), executor, () -> run(room));
    }

    private void run(Room room) {
        List<Room.Step> steps = room.take();
        if (steps == null) {
            return;
        }
        try {
            store.batch(room.name, steps, hub.settings(), executor).whenComplete((results, failure) -> {
                try {
                    deliver(room, steps, results != null ? results : failed(steps.size(), failure));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "chat room batch failed in " + room.name, e);
                } finally {
                    Room.start(executor, () -> run(room));
                }
            });
        } catch (RuntimeException e) { // Redisson refused the batch outright (shutting down)
            deliver(room, steps, failed(steps.size(), e));
            Room.start(executor, () -> run(room));
        }
    }

    private static Object[] failed(int n, Throwable failure) {
        Object[] results = new Object[n];
        Arrays.fill(results, failure);
        return results;
    }

    private void deliver(Room room, List<Room.Step> steps, Object[] results) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Room.Step step = steps.get(i);
            Object result = results[i];
            if (step instanceof Room.Append a) {
                if (result instanceof StreamMessageId id) {
                    events.add(ChatJson.message(new ChatMessage(id.toString(), room.name, a.from().name, a.text(), id.getId0())));
                } else {
                    hub.send(a.from(), ChatJson.error("message not sent: Redis did not answer"));
                }
            } else if (step instanceof Room.Join j) {
                broadcast(room, events);
                events.clear();
                admit(room, j.client(), result);
            } else {
                events.addAll(room.takePresence());
            }
        }
        broadcast(room, events);
    }

    @SuppressWarnings("unchecked")
    private void admit(Room room, ChatClient client, Object history) {
        List<String> names = room.admit(client);
        if (names == null) {
            return; // closed while its history was read
        }
        hub.send(client, ChatJson.presence(names));
        hub.send(client, ChatJson.history(history instanceof List<?> list ? (List<ChatMessage>) list : List.of()));
        if (history instanceof Throwable) {
            hub.send(client, ChatJson.error("history unavailable: Redis did not answer"));
        }
        hub.presenceChanged(room);
    }

    private void broadcast(Room room, List<String> events) {
        if (events.isEmpty()) {
            return;
        }
        Outbox.Frame frame = Outbox.Frame.of(events.size() == 1 ? events.get(0) : "[" + String.join(",", events) + "]");
        ChatClient[] members = room.members();
        for (ChatClient member : members) {
            hub.send(member, frame);
        }
        hub.sent(members.length);
    }
}
