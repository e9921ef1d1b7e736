package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.redisson.api.stream.StreamMessageId;

/**
 * Remote presence turned into join and leave events; stream ids parsed and ordered as Redis orders them; what the
 * feed read waits while this instance's own XADDs are in flight; the merge window of a room idle until a delivery.
 */
class RoomPresenceTest {

    @Test
    void remoteNamesBecomeJoinAndLeaveEventsOnlyWhenTheyChange() {
        Room room = new Room("r");
        assertTrue(room.remote(Set.of("bob", "carol")));
        List<String> events = room.takePresence();
        assertEquals(2, events.size());
        assertTrue(events.contains(ChatJson.joinOrLeave("join", "bob")), events::toString);
        assertTrue(events.contains(ChatJson.joinOrLeave("join", "carol")), events::toString);
        assertFalse(room.remote(Set.of("bob", "carol")));
        assertTrue(room.remote(Set.of("carol")));
        assertEquals(List.of(ChatJson.joinOrLeave("leave", "bob")), room.takePresence());
        assertEquals("Carol-2", room.freeName("Carol"), "a name online elsewhere is taken here too");
    }

    @Test
    void theOnlineListMergesTheSortedMembersAndRemoteNamesInCaseInsensitiveOrder() {
        String[] members = {};
        for (String name : List.of("carol", "Alice", "dave", "bob-2")) {
            members = Room.with(members, name);
        }
        assertEquals(List.of("Alice", "bob-2", "carol", "dave"), List.of(members));
        String[] remote = {"bob", "Carol", "erin", "aaron"};
        java.util.Arrays.sort(remote, String.CASE_INSENSITIVE_ORDER);
        Set<String> here = Set.of("alice", "bob-2", "carol", "dave");
        assertEquals(List.of("aaron", "Alice", "bob", "bob-2", "carol", "dave", "erin"),
                Room.online(members, remote, name -> here.contains(name.toLowerCase(java.util.Locale.ROOT))),
                "sorted as one list; Carol (online here as carol too) once");
        members = Room.without(members, "CAROL");
        assertEquals(List.of("Alice", "bob-2", "dave"), List.of(members));
        assertEquals(List.of("Alice", "bob-2", "dave"), List.of(Room.without(members, "zed")), "absent: unchanged");
        assertEquals(List.of("bob"), Room.online(new String[0], new String[] {"bob"}, name -> false));
    }

    @Test
    void streamIdsParseAndCompareAsRedisOrdersThem() {
        ChatMessage m = new ChatMessage("1700000000000-12", "r", "a", "t", 1700000000000L);
        assertEquals(new StreamMessageId(1700000000000L, 12), m.streamId());
        assertTrue(ChatStore.compare(new StreamMessageId(5, 9), new StreamMessageId(6, 0)) < 0);
        assertTrue(ChatStore.compare(new StreamMessageId(6, 10), new StreamMessageId(6, 9)) > 0);
        assertEquals(0, ChatStore.compare(ChatStore.parseId("7-1"), new StreamMessageId(7, 1)));
    }

    @Test
    void whatTheFeedReadWaitsForTheAppendsInFlightAndThenGoesOutWithThem() {
        Room room = new Room("r");
        int[] started = new int[2];
        Runnable appendsWorker = () -> started[0]++;
        Runnable mainWorker = () -> started[1]++;
        ChatMessage other = new ChatMessage("5-0", "r", "b", "from B", 5);
        ChatMessage mine = new ChatMessage("6-0", "r", "a", "from A", 6);
        assertTrue(room.submit(new Room.Append(null, "from A"), 10, Runnable::run, appendsWorker));
        assertEquals(1, room.take(true).size(), "the XADD goes out");

        Room.Deliver read = new Room.Deliver(List.of(other), null, null, 0);
        assertTrue(room.submit(read, 10, Runnable::run, mainWorker));
        assertEquals(1, started[1]);
        assertNull(room.take(false), "held: the XADD's result is a round trip away");
        assertTrue(room.submit(Room.Flush.PRESENCE, 10, Runnable::run, mainWorker));
        assertEquals(2, started[1], "a step of another kind restarts the lane");
        assertEquals(List.of(read, Room.Flush.PRESENCE), room.take(false), "and is not held");

        assertTrue(room.submit(read, 10, Runnable::run, mainWorker));
        assertNull(room.take(false));
        room.stored();
        Room.Deliver direct = new Room.Deliver(List.of(mine), List.of(other.streamId()), null, 1);
        assertTrue(room.submit(direct, 10, Runnable::run, mainWorker));
        assertEquals(List.of(read, direct), room.take(false), "one batch: one broadcast of both");
        assertNull(room.take(true), "the Appends lane is idle");
        assertTrue(room.submit(read, 10, Runnable::run, mainWorker));
        assertEquals(List.of(read), room.take(false), "nothing in flight: no wait");
    }

    @Test
    void aDeliveryThatFindsTheMainLaneIdleStartsItThroughTheMergeWindowAndWhatArrivesMeanwhileJoinsIt() {
        Room room = new Room("r");
        int[] started = {0};
        Runnable mainWorker = () -> started[0]++;
        List<Runnable> waiting = new ArrayList<>();
        Executor window = waiting::add;
        ChatMessage mine = new ChatMessage("6-0", "r", "a", "from A", 6);
        ChatMessage other = new ChatMessage("7-0", "r", "b", "from B", 7);
        Room.Deliver direct = new Room.Deliver(List.of(mine), List.of(new StreamMessageId(5, 0)), null, 1);
        Room.Deliver read = new Room.Deliver(List.of(other), null, null, 0);

        assertTrue(room.submit(direct, 10, Runnable::run, mainWorker, window));
        assertEquals(0, started[0], "not started at once");
        assertEquals(1, waiting.size(), "but after the window");
        assertTrue(room.submit(read, 10, Runnable::run, mainWorker, window));
        assertEquals(1, waiting.size(), "the lane is taken: what comes meanwhile waits with it");
        waiting.get(0).run();
        assertEquals(1, started[0]);
        assertEquals(List.of(direct, read), room.take(false), "one batch: one broadcast of both");
        assertNull(room.take(false));

        assertTrue(room.submit(Room.Flush.PRESENCE, 10, Runnable::run, mainWorker, window));
        assertEquals(2, started[0], "only a delivery waits");
        assertTrue(room.submit(read, 10, Runnable::run, mainWorker, window));
        assertEquals(List.of(Room.Flush.PRESENCE, read), room.take(false), "a lane already busy takes it as it is");
        assertNull(room.take(false));
        assertTrue(room.submit(read, 10, Runnable::run, mainWorker, null));
        assertEquals(3, started[0], "no window (a room where only this instance's users send): at once");
        assertEquals(1, waiting.size());
    }
}
