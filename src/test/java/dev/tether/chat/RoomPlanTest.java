package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.redisson.api.stream.StreamMessageId;

/**
 * The order a room's main lane takes its steps in: a feed Deliver that reports a gap waits for the Deliver of the
 * append pipelines sent before the feed read it, since their messages may be the ones the gap would skip.
 */
class RoomPlanTest {

    private static final Room.Join JOIN = new Room.Join(null, null);

    private static Room.Deliver feed(long pipeline, String prev, String... ids) {
        return new Room.Deliver(messages(ids), null, prev == null ? null : ChatStore.parseId(prev), pipeline);
    }

    private static Room.Deliver own(long pipeline, String... ids) {
        List<StreamMessageId> prevs = messages(ids).stream().map(m -> ChatStore.ZERO).toList();
        return new Room.Deliver(messages(ids), prevs, null, pipeline);
    }

    private static List<ChatMessage> messages(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> new ChatMessage(id, "r", "a", "t", 1)).toList();
    }

    @Test
    void aGapWaitsForTheOwnPipelinesSentBeforeTheFeedReadIt() {
        Room room = new Room("r");
        Room.Deliver gap = feed(2, "1-28", "1-29", "1-30");
        Room.Deliver after = feed(0, null, "1-31");
        // pipeline 1's Deliver went through earlier; 2's results are still on their way: the gap and what follows wait
        assertEquals(List.of(own(1, "1-1")), RoomWorker.plan(room, List.of(own(1, "1-1"))));
        assertEquals(List.of(JOIN), RoomWorker.plan(room, List.of(gap, JOIN, after)));
        assertEquals(2, room.held.size());
        // pipeline 2's Deliver goes first, then the held ones in their order, then the rest of the batch
        Room.Deliver two = own(2, "1-2");
        Room.Deliver later = feed(0, null, "1-32");
        assertEquals(List.of(two, gap, after, later), RoomWorker.plan(room, List.of(two, later)));
        assertTrue(room.held.isEmpty());
    }

    @Test
    void aGapWithNoOwnPipelineInFlightAndFeedDeliversWithoutAGapGoAtOnce() {
        Room room = new Room("r");
        Room.Deliver gap = feed(0, "1-28", "1-29");
        Room.Deliver plain = feed(0, null, "1-30");
        List<Room.Step> batch = List.of(gap, plain);
        assertSame(batch, RoomWorker.plan(room, batch), "nothing held or released: the batch as it is, no copy");
        assertEquals(List.of(own(1, "1-31")), RoomWorker.plan(room, List.of(own(1, "1-31"))));
        Room.Deliver seen = feed(1, "1-40", "1-41"); // pipeline 1's Deliver already went through
        assertEquals(List.of(seen), RoomWorker.plan(room, List.of(seen)));
    }
}
