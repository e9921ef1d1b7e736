package dev.tether.chat;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A bounded per-connection send queue drained by at most one in-flight async send, so broadcasters never
 * block on a slow client and sends never overlap. {@link #offer} returns false when the queue is full.
 */
final class Outbox {

    private final RemoteEndpoint.Async remote;
    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<Throwable> onSendFailure;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private long bytes;
    private boolean sending;
    private boolean closed;
    private Runnable afterDrain;

    Outbox(RemoteEndpoint.Async remote, int maxMessages, long maxBytes, Consumer<Throwable> onSendFailure) {
        this.remote = remote;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onSendFailure = onSendFailure;
    }

    /** A text frame and its UTF-8 size, computed once per broadcast rather than once per receiver. */
    record Frame(String text, int bytes) {
        static Frame of(String text) {
            return new Frame(text, text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** Queues {@code frame}; false if that would exceed the bounds (the caller evicts the client). */
    boolean offer(Frame frame) {
        synchronized (this) {
            if (closed || afterDrain != null) {
                return true;
            }
            if (queue.size() >= maxMessages || bytes + frame.bytes() > maxBytes) {
                return false;
            }
            queue.add(frame);
            bytes += frame.bytes();
            if (sending) {
                return true;
            }
            sending = true;
        }
        drain();
        return true;
    }

    /** Accepts nothing more and runs {@code closer} once what is queued has been sent. */
    void finish(Runnable closer) {
        synchronized (this) {
            if (closed || afterDrain != null) {
                return;
            }
            afterDrain = closer;
            if (sending) {
                return;
            }
            closed = true;
        }
        closer.run();
    }

    synchronized void close() {
        closed = true;
        queue.clear();
        bytes = 0;
    }

    synchronized int size() {
        return queue.size();
    }

    private Frame next() {
        Runnable closer;
        synchronized (this) {
            Frame frame = closed ? null : queue.poll();
            if (frame != null) {
                bytes -= frame.bytes();
                return frame;
            }
            sending = false;
            closer = closed ? null : afterDrain;
            closed |= closer != null;
        }
        if (closer != null) {
            closer.run();
        }
        return null;
    }

    /** Sends until the queue is empty; a send that completes inline continues the loop instead of recursing. */
    private void drain() {
        Frame frame;
        while ((frame = next()) != null) {
            Send send = new Send();
            try {
                remote.sendText(frame.text(), send);
            } catch (RuntimeException closedMeanwhile) { // Tyrus throws IllegalStateException once the session closed
                close();
                onSendFailure.accept(closedMeanwhile);
                return;
            }
            if (!send.returnedBeforeCompletion()) {
                return; // the completion handler continues the drain
            }
        }
    }

    private final class Send implements SendHandler {
        private boolean returned;
        private boolean completed;

        @Override
        public void onResult(SendResult result) {
            if (!result.isOK()) {
                close();
                onSendFailure.accept(result.getException());
                return;
            }
            synchronized (this) {
                completed = true;
                if (!returned) {
                    return; // completed inline: drain() goes on
                }
            }
            drain();
        }

        synchronized boolean returnedBeforeCompletion() {
            returned = true;
            return completed;
        }
    }
}
