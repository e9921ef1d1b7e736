package dev.tether.chat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.redisson.api.stream.StreamMessageId;

/** One chat connection: its identity, outbox, rate limiter and heartbeat clock. Created by the hub on open. */
final class ChatClient {

    final Session session;
    final String room;
    final String name;
    final String address;
    final RateLimiter limiter;
    private final Outbox outbox;
    private final Executor executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile boolean joined;
    volatile long lastPong;
    volatile long lastPing;
    /** Set when it resumed ({@code since}) past what this instance had delivered: older messages are skipped. */
    volatile StreamMessageId resumeAfter;

    ChatClient(Session session, String room, String name, String address, ChatSettings settings,
            Executor executor, Consumer<ChatClient> onSendFailure) {
        this.session = session;
        this.room = room;
        this.name = name;
        this.address = address;
        this.executor = executor;
        long now = System.nanoTime();
        this.limiter = new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), settings.floodCloseAfter(), now);
        this.lastPong = now;
        this.lastPing = now;
        session.getAsyncRemote().setSendTimeout(settings.sendTimeout());
        this.outbox = new Outbox(session.getAsyncRemote(), TyrusFrames.of(session), settings.outboxMessages(),
                settings.outboxBytes(), failure -> onSendFailure.accept(this));
    }

    /** Queues a frame; false when the outbox is full. */
    boolean send(Outbox.Frame frame) {
        return closed.get() || outbox.offer(frame);
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Marks the client closed (true the first time) and closes the socket off the caller's thread; with
     * {@code flush} after the frames already queued (e.g. the errors that explain the close) have been sent.
     */
    boolean close(CloseReason.CloseCode code, String reason, boolean flush) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        Runnable closeSocket = () -> {
            try {
                session.close(new CloseReason(code, reason));
            } catch (IOException | RuntimeException ignored) {
                // the peer is gone already
            }
        };
        Runnable closeLater = () -> {
            try {
                executor.execute(closeSocket);
            } catch (RejectedExecutionException shuttingDown) {
                closeSocket.run();
            }
        };
        if (flush) {
            outbox.finish(closeLater);
        } else {
            outbox.close();
            closeLater.run();
        }
        return true;
    }

    /** Marks the client closed without sending anything (the socket closed by itself). */
    boolean markClosed() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        outbox.close();
        return true;
    }
}
