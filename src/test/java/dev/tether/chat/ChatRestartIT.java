package dev.tether.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.testing.PayaraProcess;
import dev.tether.testing.RedisServer;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping Tether closes every chat client with 1001, and the room's history survives a restart. */
class ChatRestartIT {

    @Test
    void shutdownCloses1001AndHistorySurvivesARestart() {
        File log = new File("target/failsafe-reports/ChatRestartIT-payara.log");
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> env = Map.of("TETHER_REDIS_URL", redis.url());
            String id;
            try (PayaraProcess first = PayaraProcess.start(env, log)) {
                ChatSocket alice = ChatSocket.joined(first.base(), "restart", "alice");
                ChatSocket bob = ChatSocket.joined(first.base(), "restart", "bob");
                alice.next("join");
                alice.say("before the restart");
                id = alice.next("message").getString("id");
                assertEquals("before the restart", bob.next("message").getString("text"));

                first.close(); // SIGTERM: the application is undeployed
                for (ChatSocket client : List.of(alice, bob)) {
                    CloseReason reason = client.closeReason();
                    assertEquals(CloseReason.CloseCodes.GOING_AWAY, reason.getCloseCode(), reason.toString());
                }
            }
            try (PayaraProcess second = PayaraProcess.start(env, log);
                 ChatSocket carol = ChatSocket.joined(second.base(), "restart", "carol")) {
                List<JsonObject> history = carol.history.getJsonArray("messages").getValuesAs(JsonObject.class);
                assertEquals(1, history.size(), history::toString);
                assertEquals(id, history.get(0).getString("id"));
                assertEquals("before the restart", history.get(0).getString("text"));
                assertEquals("alice", history.get(0).getString("from"));
            }
        }
    }
}
