package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.PayaraProcess;
import dev.tether.testing.RedisCluster;
import dev.tether.testing.RedisServer;
import jakarta.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat across two instances (A and B) on a Redis Cluster of three masters and three replicas: rooms whose
 * streams live on every master, two rooms in different slots on two of them (the reader polls one XREAD per slot)
 * and one on the third (its reader blocks). Every client gets every message of its room once, in stream order.
 * The same while the room's slot moves to another master (a reshard).
 */
class ChatClusterIT {

    static RedisCluster cluster;
    static PayaraProcess a;
    static PayaraProcess b;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        Map<String, String> env = Map.of(
                "TETHER_REDIS_MODE", "cluster",
                "TETHER_REDIS_NODES", cluster.seeds(),
                "TETHER_REDIS_TIMEOUT", "5000", // a loaded 2-core machine runs six redis-servers here
                "TETHER_CHAT_RATE_PER_SECOND", "100",
                "TETHER_CHAT_RATE_BURST", "200");
        a = PayaraProcess.start(env, new File("target/failsafe-reports/ChatClusterIT-a.log"), Duration.ofSeconds(420));
        b = PayaraProcess.start(env, new File("target/failsafe-reports/ChatClusterIT-b.log"), Duration.ofSeconds(420));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    /** Room names: two per master for the first two masters (distinct slots), one for the third. */
    private static List<String> rooms() {
        Map<Integer, List<String>> byMaster = new HashMap<>();
        List<RedisServer> masters = cluster.masters();
        for (int i = 0; byMaster.values().stream().mapToInt(List::size).sum() < 5 && i < 10_000; i++) {
            String room = "room" + i;
            int master = masters.indexOf(cluster.masterOf(ChatStore.key(room)));
            List<String> there = byMaster.computeIfAbsent(master, k -> new ArrayList<>());
            if (there.size() < (master == 2 ? 1 : 2)
                    && there.stream().noneMatch(r -> ChatStore.slot(r) == ChatStore.slot(room))) {
                there.add(room);
            }
        }
        List<String> rooms = new ArrayList<>();
        byMaster.values().forEach(rooms::addAll);
        assertEquals(5, rooms.size(), byMaster::toString);
        return rooms;
    }

    @Test
    void roomsOnEveryMasterGetEveryMessageOnceInOrderOnBothInstances() throws Exception {
        List<String> rooms = rooms();
        Map<String, List<ChatSocket>> clients = new HashMap<>();
        try {
            for (String room : rooms) {
                clients.put(room, List.of(ChatSocket.joined(a.base(), room, "a-" + room),
                        ChatSocket.joined(b.base(), room, "b-" + room)));
            }
            int each = 20;
            for (int n = 0; n < each; n++) {
                for (String room : rooms) {
                    for (int s = 0; s < 2; s++) {
                        clients.get(room).get(s).say("s" + s + " " + n);
                    }
                }
                Thread.sleep(10);
            }
            for (String room : rooms) {
                assertOnceInOrder(room, clients.get(room), each);
            }
            assertNothingMore(clients.values().stream().flatMap(List::stream).toList());
        } finally {
            clients.values().forEach(list -> list.forEach(ChatSocket::closeAsync));
        }
    }

    /** Every client got {@code each} messages from each of two senders once, in order, all in the same stream order. */
    private static void assertOnceInOrder(String room, List<ChatSocket> clients, int each) throws InterruptedException {
        List<String> reference = null;
        for (ChatSocket c : clients) {
            List<JsonObject> got = c.messages(2 * each, Duration.ofSeconds(30));
            List<String> ids = got.stream().map(m -> m.getString("id")).toList();
            assertEquals(2 * each, new HashSet<>(ids).size(), room + ": a duplicate");
            int[] next = new int[2];
            for (JsonObject m : got) {
                assertEquals(room, m.getString("room"));
                String[] parts = m.getString("text").split(" ");
                int s = Integer.parseInt(parts[0].substring(1));
                assertEquals(next[s]++, Integer.parseInt(parts[1]), room + ": sender " + s + " out of order");
            }
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ChatStore.compare(ChatStore.parseId(ids.get(i - 1)), ChatStore.parseId(ids.get(i))) < 0,
                        room + ": not in stream order");
            }
            if (reference == null) {
                reference = ids;
            } else {
                assertEquals(reference, ids, room + ": the two instances' clients saw other orders");
            }
        }
    }

    /** No message event waits in any inbox (none arrived twice or unasked). */
    private static void assertNothingMore(List<ChatSocket> clients) throws InterruptedException {
        Thread.sleep(300);
        clients.forEach(c -> assertTrue(c.inbox.stream().noneMatch(e -> "message".equals(e.getString("type"))),
                "an extra message: " + c.inbox));
    }

    @Test
    void aRoomWhoseSlotMovesToAnotherMasterMidTrafficLosesAndRepeatsNothing() throws Exception {
        String room = null;
        for (int i = 0; room == null && i < 20_000; i++) {
            room = ChatStore.slot("moving" + i) < 300 ? "moving" + i : null; // redis-cli moves the lowest slots first
        }
        RedisServer from = cluster.masterOf(ChatStore.key(room));
        RedisServer to = cluster.masters().stream().filter(m -> m.port() != from.port()).findFirst().orElseThrow();
        List<ChatSocket> clients = List.of(ChatSocket.joined(a.base(), room, "sa"), ChatSocket.joined(b.base(), room, "sb"),
                ChatSocket.joined(a.base(), room, "ra"), ChatSocket.joined(b.base(), room, "rb"));
        int[] sent = {0};
        Thread senders = new Thread(() -> { // one message from each instance's sender every 20 ms, for at most 60 s
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Thread.currentThread().isInterrupted() && sent[0] < 3000 && System.nanoTime() < end) {
                clients.get(0).say("s0 " + sent[0]);
                clients.get(1).say("s1 " + sent[0]);
                sent[0]++;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            senders.start();
            Thread.sleep(500);
            long started = System.currentTimeMillis();
            RedisCluster.run(List.of("redis-cli", "--cluster", "reshard", "127.0.0.1:" + from.port(),
                    "--cluster-from", cluster.id(from), "--cluster-to", cluster.id(to), "--cluster-slots", "300",
                    "--cluster-yes"), new File(from.dir().toFile(), "chat-reshard.log"));
            long took = System.currentTimeMillis() - started;
            Thread.sleep(1000); // and traffic on the new master
            senders.interrupt();
            senders.join(10_000);
            assertEquals(to.port(), cluster.masterOf(ChatStore.key(room)).port(), "the room's stream moved");
            System.out.println("ChatClusterIT: reshard of 300 slots took " + took + " ms; " + sent[0]
                    + " messages from each of two senders (one per instance) meanwhile and around it");
            assertTrue(sent[0] > 50, "sent during the move: " + sent[0]);
            assertOnceInOrder(room, clients, sent[0]);
            assertNothingMore(clients);
        } finally {
            senders.interrupt();
            clients.forEach(ChatSocket::closeAsync);
        }
    }
}
