package dev.tether.chat;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A bounded per-connection send queue drained by at most one in-flight async send, so broadcasters never
 * block on a slow client and sends never overlap. When several frames wait, the next send carries them all as
 * one JSON array of their events (as gorilla's writer drains its channel into one frame). {@link #offer} returns
 * false when the queue is full. On Payara a frame's bytes are made once for all members ({@link TyrusFrames}).
 */
final class Outbox {

    private final RemoteEndpoint.Async remote;
    private final TyrusFrames.Sender frames; // null: every send goes through sendText
    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<Throwable> onSendFailure;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private long bytes;
    private boolean sending;
    private boolean closed;
    private Runnable afterDrain;

    Outbox(RemoteEndpoint.Async remote, TyrusFrames.Sender frames, int maxMessages, long maxBytes,
            Consumer<Throwable> onSendFailure) {
        this.remote = remote;
        this.frames = frames;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onSendFailure = onSendFailure;
    }

    /**
     * A text frame (one event object or an array of them) and its UTF-8 size, made once per broadcast; its bytes on
     * the wire are made at the first send that needs them and shared by the broadcast's other sends.
     */
    static final class Frame {
        private final String text;
        private final int bytes;
        private volatile ByteBuffer wire;

        private Frame(String text, int bytes) {
            this.text = text;
            this.bytes = bytes;
        }

        static Frame of(String text) {
            return new Frame(text, utf8Length(text));
        }

        String text() {
            return text;
        }

        int bytes() {
            return bytes;
        }

        /** The whole frame, for one send (a view of bytes made once). */
        ByteBuffer wire() {
            ByteBuffer w = wire;
            if (w == null) {
                wire = w = TyrusFrames.frame(text); // two threads may both make it: same bytes, no harm
            }
            return w.duplicate();
        }
    }

    /** UTF-8 bytes of {@code s} as {@code s.getBytes(UTF_8)} counts them, without encoding it. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes++;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                } // an unpaired surrogate: 1 byte, the '?' String.getBytes writes for it
            }
        }
        return bytes;
    }

    /** One frame carrying the events of {@code frames} in order: a JSON array, arrays flattened. */
    static String merge(Frame[] frames) {
        int length = 2;
        for (Frame f : frames) {
            length += f.text().length() + 1;
        }
        StringBuilder out = new StringBuilder(length).append('[');
        for (int i = 0; i < frames.length; i++) {
            String text = frames[i].text();
            if (i > 0) {
                out.append(',');
            }
            if (text.charAt(0) == '[') {
                out.append(text, 1, text.length() - 1);
            } else {
                out.append(text);
            }
        }
        return out.append(']').toString();
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

    /** The next send (every waiting frame, merged), or null when there is nothing to send. */
    private Frame next() {
        Runnable closer;
        Frame[] waiting;
        synchronized (this) {
            if (!closed && queue.size() == 1) {
                bytes = 0;
                return queue.poll();
            }
            if (!closed && !queue.isEmpty()) {
                waiting = queue.toArray(new Frame[0]);
                queue.clear();
                bytes = 0;
            } else {
                waiting = null;
                sending = false;
            }
            closer = waiting != null || closed ? null : afterDrain;
            closed |= closer != null;
        }
        if (waiting != null) {
            return new Frame(merge(waiting), 0);
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
                if (frames != null) {
                    frames.send(frame.wire(), send);
                } else {
                    remote.sendText(frame.text(), send);
                }
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
