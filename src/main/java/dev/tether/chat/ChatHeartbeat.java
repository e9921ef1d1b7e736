package dev.tether.chat;

import dev.tether.redis.RedisConnector;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason.CloseCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pings every chat client each ping-interval and closes those without a pong for pong-timeout; every
 * presence-interval, has the rooms with joins or leaves broadcast them (one frame per room and tick).
 */
@ApplicationScoped
public class ChatHeartbeat {

    private static final Logger LOG = Logger.getLogger(ChatHeartbeat.class.getName());

    @Inject
    ChatHub hub;

    @Inject
    RedisConnector connector;

    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> presence;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        ChatSettings s = hub.settings();
        long tick = Math.max(20, Math.min(500, Math.min(s.pingInterval(), s.pongTimeout()) / 4));
        ticker = connector.scheduler().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        presence = connector.scheduler().scheduleAtFixedRate(this::flushPresence, s.presenceInterval(),
                s.presenceInterval(), TimeUnit.MILLISECONDS);
    }

    private void flushPresence() {
        try {
            hub.flushPresence();
        } catch (RuntimeException e) { // an exception would cancel the periodic task
            LOG.log(Level.WARNING, "chat presence flush failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
            presence.cancel(false);
        }
    }

    private void tick() {
        try {
            hub.checkRedis();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "chat Redis status check failed", e);
        }
        long now = System.nanoTime();
        ChatSettings s = hub.settings();
        for (ChatClient client : hub.clients()) {
            try {
                beat(client, now, s);
            } catch (RuntimeException e) { // an exception would cancel the periodic task for every client
                LOG.log(Level.WARNING, "chat heartbeat failed for a client", e);
            }
        }
    }

    private void beat(ChatClient client, long now, ChatSettings s) {
        if (now - client.lastPong > TimeUnit.MILLISECONDS.toNanos(s.pongTimeout())) {
            hub.close(client, ChatHub.POLICY, "no pong within " + s.pongTimeout() + " ms");
        } else if (now - client.lastPing >= TimeUnit.MILLISECONDS.toNanos(s.pingInterval())) {
            client.lastPing = now;
            try {
                client.session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
            } catch (IOException | RuntimeException e) {
                hub.close(client, CloseCodes.GOING_AWAY, "ping failed");
            }
        }
    }
}
