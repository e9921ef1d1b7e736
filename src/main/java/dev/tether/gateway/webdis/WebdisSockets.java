package dev.tether.gateway.webdis;

import dev.tether.gateway.CommandEngine;
import dev.tether.gateway.CommandPolicy;
import dev.tether.gateway.Command;
import dev.tether.pubsub.PubSub;
import dev.tether.pubsub.StreamSink;
import dev.tether.pubsub.Subscription;
import dev.tether.pubsub.Topic;
import dev.tether.redis.Reply;
import dev.tether.support.Jsonp;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The logic of the Webdis WebSocket: parse a frame (a JSON array), check it as HTTP does (ACL, policy, token),
 * run it, send the reply in order through a bounded outbox (one send in flight; over {@code ws-outbox} the socket
 * is closed as too slow), limit the rate ({@code ws-rate} commands per second) and frame size
 * ({@code ws-max-frame}). SUBSCRIBE/PSUBSCRIBE open a shared subscription whose events go to the same outbox.
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

    /** One socket's state. */
    public final class Connection implements StreamSink {
        final Session session;
        final boolean raw;
        final WebdisAuth.Caller caller;
        private final ArrayDeque<String> outbox = new ArrayDeque<>();
        private boolean sending;
        private boolean closed;
        private CompletionStage<Void> last = CompletableFuture.completedFuture(null);
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

        void send(String frame) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (outbox.size() >= settings.wsOutbox()) {
                    closed = true;
                } else {
                    outbox.add(frame);
                    if (sending) {
                        return;
                    }
                    sending = true;
                }
            }
            if (closed) {
                close(CloseReason.CloseCodes.VIOLATED_POLICY, "too slow: more than " + settings.wsOutbox()
                        + " frames waiting (tether.webdis.ws-outbox)");
                return;
            }
            next();
        }

        private void next() {
            String frame;
            synchronized (this) {
                frame = closed ? null : outbox.poll();
                if (frame == null) {
                    sending = false;
                    return;
                }
            }
            session.getAsyncRemote().sendText(frame, result -> {
                if (result.isOK()) {
                    next();
                } else {
                    close(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "send failed");
                }
            });
        }

        void close(CloseReason.CloseCode code, String reason) {
            try {
                session.close(new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
            } catch (IOException | RuntimeException alreadyClosed) {
                // nothing left to do
            }
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
                        send(new String(event, StandardCharsets.UTF_8));
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
        return new Connection(session, raw, caller);
    }

    void message(Connection c, String frame) {
        if (frame.length() > settings.wsMaxFrame()) {
            c.close(CloseReason.CloseCodes.TOO_BIG, "frame over " + settings.wsMaxFrame() + " bytes (tether.webdis.ws-max-frame)");
            return;
        }
        if (!c.take()) {
            ordered(c, error("rate limit: at most " + settings.wsRate() + " commands per second (tether.webdis.ws-rate)"));
            return;
        }
        Command command;
        String name;
        try {
            List<byte[]> words = words(frame);
            name = new String(words.get(0), StandardCharsets.UTF_8);
            command = new Command(name, words.subList(1, words.size()));
            auth.permit(c.caller, command.name());
        } catch (RuntimeException e) {
            ordered(c, error(WebdisFailures.message(e)));
            return;
        }
        if (command.name().equals("SUBSCRIBE") || command.name().equals("PSUBSCRIBE")) {
            Command subscribe = command;
            synchronized (c) { // after the replies to the commands before it
                c.last = c.last.thenRun(() -> subscribe(c, subscribe, name)).exceptionally(e -> null);
            }
            return;
        }
        WebdisRequest request = new WebdisRequest(command, name, -1, c.raw ? WebdisFormat.RAW : WebdisFormat.JSON,
                null, null, "");
        CompletableFuture<String> reply = engine.execute(command, c.caller.access()).toCompletableFuture()
                .thenApply(r -> text(request.format().render(request, r).body()))
                .exceptionally(e -> error(WebdisFailures.message(e)));
        ordered(c, reply);
    }

    private static void ordered(Connection c, String frame) {
        ordered(c, CompletableFuture.completedFuture(frame));
    }

    /** Replies (errors included) leave in the order the commands came; a failed step never stops the chain. */
    private static void ordered(Connection c, CompletionStage<String> reply) {
        synchronized (c) {
            c.last = c.last.thenCompose(v -> reply).thenAccept(c::send).exceptionally(e -> null);
        }
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
            synchronized (c) {
                c.subscriptions.add(s);
            }
            s.ready().whenComplete((ok, failure) -> {
                if (failure != null) {
                    c.send(error(WebdisFailures.message(failure)));
                }
                c.wake();
            });
        } catch (RuntimeException e) {
            c.send(error(WebdisFailures.message(e)));
        }
    }

    void closed(Connection c) {
        List<Subscription> subs;
        synchronized (c) {
            c.closed = true;
            subs = List.copyOf(c.subscriptions);
        }
        subs.forEach(Subscription::close);
    }

    private static List<byte[]> words(String frame) {
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

    private static String error(String message) {
        return text(dev.tether.gateway.http.ErrorBody.json(message));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
