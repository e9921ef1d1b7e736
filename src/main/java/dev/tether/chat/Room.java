package dev.tether.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A room's names and members, plus a chain that runs its Redis steps one after another: stream appends and
 * history reads happen in order, so a joining client's history and the live messages it then gets neither
 * overlap nor leave a gap, and everyone sees messages in stream order.
 */
final class Room {

    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    final String name;
    private final Map<String, ChatClient> names = new HashMap<>(); // lower-case name -> client, guarded by this
    private final Set<ChatClient> members = ConcurrentHashMap.newKeySet();
    private CompletableFuture<Object> tail = CompletableFuture.completedFuture(null);
    private int pending; // guarded by this

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

    /** Releases the client's name and membership; true if the room is now empty. */
    synchronized boolean release(ChatClient client) {
        names.remove(client.name.toLowerCase(Locale.ROOT), client);
        members.remove(client);
        return names.isEmpty();
    }

    void join(ChatClient client) {
        members.add(client);
    }

    Set<ChatClient> members() {
        return members;
    }

    List<String> memberNames() {
        List<String> list = new ArrayList<>();
        members.forEach(c -> list.add(c.name));
        list.sort(String.CASE_INSENSITIVE_ORDER);
        return list;
    }

    /**
     * Runs {@code step} after every earlier step of this room has finished (failed steps are logged). Refuses it
     * (false) when {@code limit} steps are already waiting, e.g. while Redis is slow, so the chain stays bounded.
     * The step never runs under this room's lock: it broadcasts, which may evict and unregister clients.
     */
    boolean then(int limit, Supplier<? extends CompletionStage<?>> step) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        CompletableFuture<Object> previous;
        synchronized (this) {
            if (pending >= limit) {
                return false;
            }
            pending++;
            previous = tail;
            tail = done;
        }
        previous.whenComplete((ignored, alsoIgnored) -> run(step, done));
        return true;
    }

    private void run(Supplier<? extends CompletionStage<?>> step, CompletableFuture<Object> done) {
        CompletionStage<?> stage;
        try {
            stage = step.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "chat room step failed in " + name, failure);
            }
            synchronized (this) {
                pending--;
            }
            done.complete(null);
        });
    }
}
