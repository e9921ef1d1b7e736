package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.redisson.api.stream.StreamMessageId;

/** Remote presence turned into join and leave events; stream ids parsed and ordered as Redis orders them. */
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
    void streamIdsParseAndCompareAsRedisOrdersThem() {
        ChatMessage m = new ChatMessage("1700000000000-12", "r", "a", "t", 1700000000000L);
        assertEquals(new StreamMessageId(1700000000000L, 12), m.streamId());
        assertTrue(ChatStore.compare(new StreamMessageId(5, 9), new StreamMessageId(6, 0)) < 0);
        assertTrue(ChatStore.compare(new StreamMessageId(6, 10), new StreamMessageId(6, 9)) > 0);
        assertEquals(0, ChatStore.compare(ChatStore.parseId("7-1"), new StreamMessageId(7, 1)));
    }
}
