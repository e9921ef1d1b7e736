package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import dev.tether.support.Workers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RMapAsync;
import org.redisson.client.codec.StringCodec;

/**
 * Presence across instances. Each instance writes its members into the room's hash {@code tether:chat:online:<room>}
 * (field {@code <instance>/<name>}) when they join and removes them when they leave, and keeps its own key
 * {@code tether:chat:instance:<instance>} alive with a heartbeat every instance-expiry / 3 (which also rewrites its
 * members and refreshes the hashes' expiry). Every presence-sync ms it reads the hashes of its rooms: names of
 * other live instances become join events here, names gone (or of an instance whose key expired: it died without
 * a goodbye) leave events, and the dead instances' fields are removed. Polling rather than pub/sub, so a lost
 * event cannot leave a wrong list: the next sync corrects it.
 */
@ApplicationScoped
public class ChatPresence {

    private static final Logger LOG = Logger.getLogger(ChatPresence.class.getName());

    @Inject
    RedisConnector connector;

    @Inject
    ChatHub hub;

    @Inject
    Workers workers;

    final String instance = UUID.randomUUID().toString().substring(0, 13);
    /** Fields whose HDEL failed ("room\nfield"), retried at the next heartbeat. */
    private final Set<String> removals = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean syncing = new AtomicBoolean();
    private ScheduledFuture<?> syncTask;
    private ScheduledFuture<?> beatTask;

    static String onlineKey(String room) {
        return "tether:chat:online:" + room;
    }

    static String instanceKey(String instance) {
        return "tether:chat:instance:" + instance;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        ChatSettings s = hub.settings();
        beatTask = connector.scheduler().scheduleAtFixedRate(() -> guarded(this::heartbeat), 0,
                Math.max(1, s.instanceExpiry() / 3), TimeUnit.MILLISECONDS);
        syncTask = connector.scheduler().scheduleAtFixedRate(() -> guarded(this::sync), s.presenceSync(),
                s.presenceSync(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (beatTask != null) {
            beatTask.cancel(false);
            syncTask.cancel(false);
        }
        try { // a goodbye, so the others need not wait for the expiry
            RBatch batch = batch();
            for (Room room : hub.roomList()) {
                List<String> fields = new ArrayList<>();
                for (ChatClient c : room.members()) {
                    fields.add(field(c));
                }
                if (!fields.isEmpty()) {
                    batch.getMap(onlineKey(room.name), StringCodec.INSTANCE).fastRemoveAsync(fields.toArray());
                }
            }
            batch.getBucket(instanceKey(instance), StringCodec.INSTANCE).deleteAsync();
            batch.executeAsync().toCompletableFuture().get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.FINE, "chat presence: no goodbye (Redis unreachable)", e);
        }
    }

    private String field(ChatClient client) {
        return instance + "/" + client.name;
    }

    /** A client was admitted to the room here. */
    void joined(Room room, ChatClient client) {
        try {
            RBatch batch = batch(); // with its expiry at once: an instance may die before its next heartbeat
            RMapAsync<String, String> online = batch.getMap(onlineKey(room.name), StringCodec.INSTANCE);
            online.fastPutAsync(field(client), client.name);
            online.expireAsync(Duration.ofMillis(hub.settings().instanceExpiry() * 2));
            batch.executeAsync().whenComplete((ok, error) -> {
                if (client.isClosed()) { // it left meanwhile: its HDEL may have gone first
                    left(room.name, client);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "chat presence: join not written (the heartbeat writes it)", e);
        }
    }

    /** A member left the room here. */
    void left(String room, ChatClient client) {
        String field = field(client);
        try {
            connector.client().<String, String>getMap(onlineKey(room), StringCodec.INSTANCE).fastRemoveAsync(field)
                    .whenComplete((n, error) -> {
                        if (error != null) {
                            removals.add(room + "\n" + field);
                        }
                    });
        } catch (RuntimeException e) {
            removals.add(room + "\n" + field);
        }
    }

    private void heartbeat() {
        long expiry = hub.settings().instanceExpiry();
        RBatch batch = batch();
        List<String> retried = new ArrayList<>(removals);
        for (String removal : retried) {
            String[] parts = removal.split("\n", 2);
            batch.getMap(onlineKey(parts[0]), StringCodec.INSTANCE).fastRemoveAsync(parts[1]);
        }
        for (Room room : hub.roomList()) {
            Map<String, String> members = new HashMap<>();
            for (ChatClient c : room.members()) {
                if (!c.isClosed()) {
                    members.put(field(c), c.name);
                }
            }
            if (!members.isEmpty()) {
                RMapAsync<String, String> online = batch.getMap(onlineKey(room.name), StringCodec.INSTANCE);
                online.putAllAsync(members);
                online.expireAsync(Duration.ofMillis(expiry * 2));
            }
        }
        batch.getBucket(instanceKey(instance), StringCodec.INSTANCE).setAsync("1", Duration.ofMillis(expiry));
        batch.executeAsync().whenComplete((result, error) -> {
            if (error == null) {
                retried.forEach(removals::remove);
            }
        });
    }

    /** Reads who is online in this instance's rooms and turns the differences into join and leave events. */
    private void sync() {
        if (!syncing.compareAndSet(false, true)) {
            return; // the previous one still waits for Redis
        }
        List<Room> rooms = new ArrayList<>();
        hub.roomList().forEach(rooms::add);
        if (rooms.isEmpty()) {
            syncing.set(false);
            return;
        }
        RBatch batch = batch();
        List<CompletableFuture<Map<String, String>>> reads = new ArrayList<>(rooms.size());
        for (Room room : rooms) {
            reads.add(batch.<String, String>getMap(onlineKey(room.name), StringCodec.INSTANCE).readAllMapAsync().toCompletableFuture());
        }
        batch.executeAsync().toCompletableFuture()
                .thenCompose(done -> liveInstances(reads))
                .whenCompleteAsync((live, error) -> {
                    try {
                        if (error == null) {
                            apply(rooms, reads, live);
                        }
                    } finally {
                        syncing.set(false);
                    }
                }, workers);
    }

    private CompletableFuture<Set<String>> liveInstances(List<CompletableFuture<Map<String, String>>> reads) {
        Set<String> others = new HashSet<>();
        for (CompletableFuture<Map<String, String>> read : reads) {
            read.join().keySet().forEach(f -> others.add(f.substring(0, Math.max(0, f.indexOf('/')))));
        }
        others.remove(instance);
        if (others.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        String[] keys = others.stream().map(ChatPresence::instanceKey).toArray(String[]::new);
        return connector.client().getBuckets(StringCodec.INSTANCE).<String>getAsync(keys).toCompletableFuture()
                .thenApply(found -> {
                    Set<String> live = new HashSet<>();
                    others.forEach(i -> {
                        if (found.containsKey(instanceKey(i))) {
                            live.add(i);
                        }
                    });
                    return live;
                });
    }

    private void apply(List<Room> rooms, List<CompletableFuture<Map<String, String>>> reads, Set<String> live) {
        for (int i = 0; i < rooms.size(); i++) {
            Room room = rooms.get(i);
            if (reads.get(i).isCompletedExceptionally()) {
                continue; // unknown: keep the list as it is
            }
            Set<String> remote = new HashSet<>();
            List<String> dead = new ArrayList<>();
            reads.get(i).join().forEach((field, name) -> {
                String owner = field.substring(0, Math.max(0, field.indexOf('/')));
                if (live.contains(owner)) {
                    remote.add(name);
                } else if (!owner.equals(instance)) {
                    dead.add(field);
                }
            });
            if (!dead.isEmpty()) {
                connector.client().getMap(onlineKey(room.name), StringCodec.INSTANCE).fastRemoveAsync(dead.toArray());
            }
            if (!room.gone && room.remote(remote)) {
                hub.presenceChanged(room);
            }
        }
    }

    private RBatch batch() {
        return connector.client().createBatch(BatchOptions.defaults().retryAttempts(0));
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) { // an exception would cancel the periodic task
            LOG.log(Level.WARNING, "chat presence task failed", e);
        }
    }
}
