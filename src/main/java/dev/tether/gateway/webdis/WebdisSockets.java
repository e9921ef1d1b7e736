package dev.tether.gateway.webdis;

import dev.tether.gateway.Command;
import dev.tether.gateway.CommandEngine;
import dev.tether.gateway.CommandPolicy;
import dev.tether.pubsub.PubSub;
import dev.tether.pubsub.StreamSink;
import dev.tether.pubsub.Subscription;
import dev.tether.pubsub.Topic;
import dev.tether.support.Jsonp;
import dev.tether.support.Workers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The logic of the Webdis WebSocket. A frame is a command: a JSON array on {@code .json}, a RESP array on
 * {@code .raw} (as Webdis reads it; a JSON array there too). It is checked as over HTTP (ACL, policy, token) and
 * run after the socket's previous command; its reply leaves in command order through a bounded outbox: one send in
 * flight, and over {@code ws-outbox} frames or {@code ws-outbox-bytes} waiting, or {@code ws-pending} commands not
 * yet answered, the socket is closed (1008) as too slow. A frame over
 * {@code ws-max-frame} bytes closes it (1009); a command over {@code ws-rate} per second is not run and gets an
 * error frame. Errors are frames in Webdis's shape: {@code {"error":true,"message":…,"http_status":…}} or
 * {@code -ERR …}. SUBSCRIBE/PSUBSCRIBE open a shared subscription whose events go to the same outbox.
 */
@ApplicationScoped
public class WebdisSockets {

    @Inject
    CommandEngine engine;

    @Inject
    CommandPolicy policy;

    @Inject
    WebdisAuth auth;

    @Inject
    WebdisSettings settings;

    @Inject
    PubSub pubsub;

    @Inject
    Workers workers;

    /** A frame to send: text, or binary for a {@code .raw} reply whose bytes are not UTF-8. */
    record Outgoing(String text, ByteBuffer binary) {
        long size() {
            return text != null ? text.length() : binary.remaining();
        }

        static Outgoing of(byte[] bytes) {
            try {
                return new Outgoing(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString(), null);
            } catch (CharacterCodingException notUtf8) {
                return new Outgoing(null, ByteBuffer.wrap(bytes)); // a text frame must be UTF-8
            }
        }
    }

    /** One socket's state. */
    public final class Connection implements StreamSink {
        final Session session;
        final boolean raw;
        final WebdisAuth.Caller caller;
        private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
        private long queuedBytes;
        private boolean sending;
        private boolean closed;
        private CloseReason closing;
        private boolean socketClosed;
        private CompletionStage<Void> last = CompletableFuture.completedFuture(null);
        private int pending;
        private final List<Subscription> subscriptions = new ArrayList<>();
        private double allowance;
        private long checkedAt = System.nanoTime();

        Connection(Session session, boolean raw, WebdisAuth.Caller caller) {
            this.session = session;
            this.raw = raw;
            this.caller = caller;
            this.allowance = settings.wsRate();
        }

        /** Token bucket: {@code ws-rate} per second, bursts of as many. */
        synchronized boolean take() {
            long now = System.nanoTime();
            allowance = Math.min(settings.wsRate(), allowance + (now - checkedAt) / 1e9 * settings.wsRate());
            checkedAt = now;
            if (allowance < 1) {
                return false;
            }
            allowance -= 1;
            return true;
        }

        void send(Outgoing frame) {
            boolean overflow = false;
            synchronized (this) {
                if (closed) {
                    return;
                }
                // one frame always fits, so a single large reply is never refused
                if (outbox.size() >= settings.wsOutbox()
                        || (!outbox.isEmpty() && queuedBytes + frame.size() > settings.wsOutboxBytes())) {
                    overflow = true;
                } else {
                    outbox.add(frame);
                    queuedBytes += frame.size();
                    if (sending) {
                        return;
                    }
                    sending = true;
                }
            }
            if (overflow) {
                close(CloseReason.CloseCodes.VIOLATED_POLICY, "too slow: more than " + settings.wsOutbox()
                        + " frames or " + settings.wsOutboxBytes() + " bytes waiting (tether.webdis.ws-outbox)");
                return;
            }
            next();
        }

        private void next() {
            Outgoing frame;
            boolean closeNow = false;
            synchronized (this) {
                frame = closed ? null : outbox.poll();
                if (frame == null) {
                    sending = false;
                    closeNow = closing != null && !socketClosed;
                    socketClosed |= closeNow;
                } else {
                    queuedBytes -= frame.size();
                }
            }
            if (frame == null) {
                if (closeNow) {
                    closeSocket();
                }
                return;
            }
            SendHandler done = result -> {
                if (!result.isOK()) {
                    close(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "send failed");
                }
                next();
            };
            if (frame.text() != null) {
                session.getAsyncRemote().sendText(frame.text(), done);
            } else {
                session.getAsyncRemote().sendBinary(frame.binary(), done);
            }
        }

        /**
         * Ends the connection: drops what is queued and leaves the subscriptions at once, then closes the socket
         * with {@code code} once the frame being written (if any) is out. Closing behind a pending write would
         * lose the close frame (Tyrus drops pending writes when it closes), and the frame in flight ends within
         * {@code ws-send-timeout}. The socket is closed on a worker, never on the pub/sub thread that overflowed.
         */
        void close(CloseReason.CloseCode code, String reason) {
            List<Subscription> subs;
            boolean closeNow;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closing = new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
                closeNow = !sending;
                socketClosed = closeNow;
                subs = drop();
            }
            subs.forEach(Subscription::close);
            if (closeNow) {
                closeSocket();
            }
        }

        private void closeSocket() {
            Runnable close = () -> {
                try {
                    session.close(closing);
                } catch (IOException | RuntimeException alreadyClosed) {
                    // nothing left to do
                }
            };
            try {
                workers.execute(close);
            } catch (RejectedExecutionException shuttingDown) {
                close.run();
            }
        }

        /** The socket closed by itself: drops what is queued and leaves the subscriptions. */
        void release() {
            List<Subscription> subs;
            synchronized (this) {
                subs = drop();
            }
            subs.forEach(Subscription::close);
        }

        /** Marks the socket closed and empties its queue and subscriptions (holding the lock); the caller closes them. */
        private List<Subscription> drop() {
            closed = true;
            outbox.clear();
            queuedBytes = 0;
            List<Subscription> subs = List.copyOf(subscriptions);
            subscriptions.clear();
            return subs;
        }

        @Override
        public void wake() {
            List<Subscription> subs;
            synchronized (this) {
                subs = List.copyOf(subscriptions);
            }
            for (Subscription s : subs) {
                for (byte[] event; (event = s.poll()) != null; ) {
                    if (event.length > 0) {
                        send(raw ? Outgoing.of(event) : new Outgoing(new String(event, StandardCharsets.UTF_8), null));
                    }
                }
                if (s.done()) {
                    s.close();
                }
            }
        }

        @Override
        public void abort() {
            close(CloseReason.CloseCodes.VIOLATED_POLICY, "subscription ended");
        }
    }

    Connection open(Session session, boolean raw, WebdisAuth.Caller caller) {
        session.setMaxTextMessageBufferSize(settings.wsMaxFrame());
        session.setMaxBinaryMessageBufferSize(settings.wsMaxFrame());
        session.getAsyncRemote().setSendTimeout(settings.wsSendTimeout());
        return new Connection(session, raw, caller);
    }

    /** A text frame. */
    void message(Connection c, String frame) {
        // a char is at most 3 UTF-8 bytes, so only a frame of more than a third of the limit needs counting
        if ((long) frame.length() * 3 > settings.wsMaxFrame() && utf8Length(frame) > settings.wsMaxFrame()) {
            tooBig(c);
        } else if (c.raw && frame.startsWith("*")) {
            command(c, () -> RespFrames.words(frame.getBytes(StandardCharsets.UTF_8), settings.maxArgs()));
        } else {
            command(c, () -> jsonWords(frame));
        }
    }

    /** A binary frame: RESP on .raw (binary-safe arguments), else UTF-8 JSON as in a text frame. */
    void message(Connection c, byte[] frame) {
        if (frame.length > settings.wsMaxFrame()) {
            tooBig(c);
        } else if (c.raw && frame.length > 0 && frame[0] == '*') {
            command(c, () -> RespFrames.words(frame, settings.maxArgs()));
        } else {
            command(c, () -> jsonWords(new String(frame, StandardCharsets.UTF_8)));
        }
    }

    private void tooBig(Connection c) {
        c.close(CloseReason.CloseCodes.TOO_BIG, "frame over " + settings.wsMaxFrame() + " bytes (tether.webdis.ws-max-frame)");
    }

    private void command(Connection c, Supplier<List<byte[]>> parse) {
        if (!c.take()) {
            ordered(c, error(c, 429, "rate limit: at most " + settings.wsRate()
                    + " commands per second (tether.webdis.ws-rate); this one was not run"));
            return;
        }
        Command command;
        String name;
        try {
            List<byte[]> words = parse.get();
            name = new String(words.get(0), StandardCharsets.UTF_8);
            command = new Command(name, words.subList(1, words.size()));
            auth.permit(c.caller, command.name());
        } catch (RuntimeException e) {
            ordered(c, error(c, e));
            return;
        }
        if (command.name().equals("SUBSCRIBE") || command.name().equals("PSUBSCRIBE")) {
            Command subscribe = command;
            ordered(c, () -> { // after the replies to the commands before it
                subscribe(c, subscribe, name);
                return CompletableFuture.completedFuture(null);
            });
            return;
        }
        WebdisRequest request = new WebdisRequest(command, name, -1, c.raw ? WebdisFormat.RAW : WebdisFormat.JSON,
                null, null, "");
        ordered(c, () -> engine.execute(command, c.caller.access())
                .thenApply(r -> frame(c, request.format().render(request, r).body())));
    }

    private void ordered(Connection c, Outgoing frame) {
        ordered(c, () -> CompletableFuture.completedFuture(frame));
    }

    /**
     * Runs a socket's commands one after another, as on the single Redis connection Webdis gives a socket (the
     * pool would let a later command overtake an earlier one), and sends their replies (errors included) in that
     * order; a failed step never stops the chain. Over {@code ws-pending} commands waiting the socket is closed.
     */
    private void ordered(Connection c, Supplier<CompletionStage<Outgoing>> step) {
        synchronized (c) {
            if (c.pending < settings.wsPending()) {
                c.pending++;
                c.last = c.last.thenCompose(v -> c.closed ? CompletableFuture.<Outgoing>completedFuture(null) : step.get())
                        .exceptionally(e -> error(c, e))
                        .thenAccept(frame -> {
                            synchronized (c) {
                                c.pending--;
                            }
                            if (frame != null) {
                                c.send(frame);
                            }
                        }).exceptionally(e -> null);
                return;
            }
        }
        c.close(CloseReason.CloseCodes.VIOLATED_POLICY, "too slow: more than " + settings.wsPending()
                + " commands waiting (tether.webdis.ws-pending)");
    }

    private void subscribe(Connection c, Command command, String name) {
        try {
            policy.permit(command.name());
            List<Topic> topics = new ArrayList<>();
            for (byte[] arg : command.args()) {
                String text = new String(arg, StandardCharsets.UTF_8);
                topics.add(command.name().equals("PSUBSCRIBE") ? Topic.pattern(text) : Topic.channel(text));
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("no channel: send [\"" + name + "\",\"<channel>\"]");
            }
            Subscription s = pubsub.open(topics, WebdisEvents.of(name, null, c.raw), c);
            boolean closed;
            synchronized (c) {
                closed = c.closed;
                if (!closed) {
                    c.subscriptions.add(s);
                }
            }
            if (closed) {
                s.close();
                return;
            }
            s.ready().whenComplete((ok, failure) -> {
                if (failure != null) {
                    c.send(error(c, failure));
                }
                c.wake();
            });
        } catch (RuntimeException e) {
            c.send(error(c, e));
        }
    }

    /** The socket closed, by either side. */
    void closed(Connection c) {
        c.release();
    }

    private static List<byte[]> jsonWords(String frame) {
        JsonValue value;
        try (JsonReader reader = Jsonp.READERS.createReader(new StringReader(frame))) {
            value = reader.readValue();
        } catch (jakarta.json.JsonException e) {
            throw new IllegalArgumentException("a frame must be a JSON array such as [\"GET\",\"k\"]");
        }
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw new IllegalArgumentException("a frame must be a non-empty JSON array such as [\"GET\",\"k\"]");
        }
        List<byte[]> words = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            words.add(switch (v.getValueType()) {
                case STRING -> ((JsonString) v).getString().getBytes(StandardCharsets.UTF_8);
                case NUMBER -> ((JsonNumber) v).toString().getBytes(StandardCharsets.US_ASCII);
                default -> throw new IllegalArgumentException("only strings and numbers are arguments, got "
                        + v.getValueType());
            });
        }
        if (words.get(0).length == 0) {
            throw new IllegalArgumentException("the command name is empty");
        }
        return words;
    }

    private static Outgoing frame(Connection c, byte[] body) {
        return c.raw ? Outgoing.of(body) : new Outgoing(new String(body, StandardCharsets.UTF_8), null);
    }

    private static Outgoing error(Connection c, Throwable failure) {
        return error(c, WebdisFailures.statusOf(failure), WebdisFailures.message(failure));
    }

    /** Webdis's WebSocket error: {@code -ERR message} on .raw, {@code {"error":true,"message":…,"http_status":…}}. */
    static Outgoing error(Connection c, int status, String message) {
        if (c.raw) {
            return new Outgoing("-ERR " + message.replace('\r', ' ').replace('\n', ' ') + "\r\n", null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
        try (JsonGenerator g = Jsonp.GENERATORS.createGenerator(out)) {
            g.writeStartObject().write("error", true).write("message", message).write("http_status", status).writeEnd();
        }
        return new Outgoing(out.toString(StandardCharsets.UTF_8), null);
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                bytes++;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
