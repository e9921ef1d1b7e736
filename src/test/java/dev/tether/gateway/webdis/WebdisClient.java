package dev.tether.gateway.webdis;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client of /webdis/.json or /webdis/.raw (the JDK's): whole frames in a queue, text or binary, and
 * the close code and reason. {@code stalled} clients read nothing until {@link #resume()}: the JDK client reads
 * from the socket only on demand, so the server's writes back up as behind a client that stopped reading.
 */
final class WebdisClient implements AutoCloseable {

    /** One frame as received: text, or binary bytes. */
    record Frame(String text, byte[] binary) {
        byte[] bytes() {
            return text != null ? text.getBytes(StandardCharsets.UTF_8) : binary;
        }
    }

    /** How the connection ended: the close frame's code and reason, or -1 and the error when it was dropped. */
    record Closed(int code, String reason) {
    }

    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WebdisClient(URI uri, boolean stalled) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

            @Override
            public void onOpen(WebSocket w) {
                if (!stalled) {
                    w.request(1);
                }
            }

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    frames.add(new Frame(text.toString(), null));
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                binary.writeBytes(bytes);
                if (last) {
                    frames.add(new Frame(null, binary.toByteArray()));
                    binary.reset();
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                closed.complete(new Closed(code, reason));
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.complete(new Closed(-1, String.valueOf(error)));
            }
        }).get(20, TimeUnit.SECONDS);
    }

    /** A client of {@code /webdis/<format>} (".json" or ".raw") on the deployment at {@code url}. */
    static WebdisClient open(URL url, String format, boolean stalled) throws Exception {
        return new WebdisClient(URI.create("ws://127.0.0.1:" + url.getPort() + url.getPath() + "webdis/" + format), stalled);
    }

    void text(String frame) {
        socket.sendText(frame, true).join();
    }

    void binary(byte[] frame) {
        socket.sendBinary(ByteBuffer.wrap(frame), true).join();
    }

    /** The next frame, waiting at most 20 s. */
    Frame next() throws InterruptedException {
        Frame frame = frames.poll(20, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 20 s" + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        return frame;
    }

    String nextText() throws InterruptedException {
        Frame frame = next();
        if (frame.text() == null) {
            throw new AssertionError("a binary frame where text was expected");
        }
        return frame.text();
    }

    /** A stalled client starts reading. */
    void resume() {
        socket.request(Long.MAX_VALUE);
    }

    /** How it ended, waiting at most 30 s. */
    Closed closing() throws Exception {
        return closed.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
