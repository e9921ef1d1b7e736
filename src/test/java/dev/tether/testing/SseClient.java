package dev.tether.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw HTTP/1.1 Server-Sent Events client over a plain socket, independent of the code under test: it sends one
 * request, reads the status and headers, then (for a 200) decodes the chunked body into events, one string per
 * event (its lines joined with \n, comments included); a chunked stream of another type (Webdis's pub/sub) gives
 * one event per chunk. {@link #paused} streams read nothing until
 * {@link #resume()}, with a small receive buffer, to play a subscriber that stopped reading.
 */
public final class SseClient implements AutoCloseable {

    public static final String END = "<end of stream>";

    private final Socket socket;
    private final InputStream in;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Object gate = new Object();
    private boolean paused;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body = "";

    private SseClient(Socket socket, boolean paused) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.paused = paused;
    }

    /** POST {@code path} (with {@code body}) and {@code Accept: text/event-stream}, as the Upstash SDK does. */
    public static SseClient open(URI base, String path, String token, String body) {
        return open(base, "POST", path, token, "text/event-stream", body, false);
    }

    public static SseClient open(URI base, String method, String path, String token, String accept, String body,
                                 boolean paused) {
        try {
            Socket socket = new Socket();
            if (paused) {
                socket.setReceiveBufferSize(4096);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
            socket.setSoTimeout(60_000);
            SseClient client = new SseClient(socket, paused);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder()
                    .append(method).append(' ').append(base.resolve(path).getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(base.getPort()).append("\r\n");
            if (token != null) {
                request.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (accept != null) {
                request.append("Accept: ").append(accept).append("\r\n");
            }
            if (body != null) {
                request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            client.readHead();
            if (client.status == 200) {
                Thread reader = new Thread(client::readEvents, "sse-client");
                reader.setDaemon(true);
                reader.start();
            } else {
                client.readBody();
            }
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body of a response that is not a stream. */
    public String body() {
        return body;
    }

    /** The next event (comments included), or null after the timeout; {@link #END} once the stream ended. */
    public String next(long timeoutMillis) {
        try {
            return events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next event matching {@code wanted}, skipping others; null after the timeout. */
    public String next(Predicate<String> wanted, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String event = next(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            if (event == null) {
                return null;
            }
            if (wanted.test(event) || event.equals(END)) {
                return event;
            }
        }
        return null;
    }

    /** The next {@code data:} event (comments skipped), or null after the timeout. */
    public String nextData(long timeoutMillis) {
        return next(e -> e.startsWith("data: "), timeoutMillis);
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /** Closes with a TCP reset (SO_LINGER 0) instead of a FIN: a client that crashed or lost its network. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void readHead() throws IOException {
        String statusLine = line();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line; !(line = line()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    private void readBody() throws IOException {
        if ("chunked".equalsIgnoreCase(header("Transfer-Encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().trim(), 16)) > 0; ) {
                out.write(in.readNBytes(size));
                line();
            }
            body = out.toString(StandardCharsets.UTF_8);
        } else {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private void readEvents() {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        String type = header("Content-Type");
        boolean sse = type != null && type.startsWith("text/event-stream");
        try {
            while (true) {
                synchronized (gate) {
                    while (paused) {
                        gate.wait();
                    }
                }
                int size = Integer.parseInt(line().trim(), 16);
                if (size == 0) {
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                line();
                if (sse) {
                    pending.write(chunk);
                    split(pending);
                } else {
                    events.add(new String(chunk, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            // the stream ended or broke: END below
        }
        events.add(END);
    }

    /** Takes every complete event (ended by a blank line) out of {@code pending}, splitting bytes, not characters. */
    private void split(ByteArrayOutputStream pending) {
        byte[] bytes = pending.toByteArray();
        int consumed = 0;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                events.add(new String(bytes, consumed, i - consumed, StandardCharsets.UTF_8));
                consumed = i + 2;
                i++;
            }
        }
        pending.reset();
        pending.write(bytes, consumed, bytes.length - consumed);
    }

    private String line() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every event that arrived so far (for failure messages). */
    public List<String> drain() {
        List<String> out = new ArrayList<>();
        events.drainTo(out);
        return out;
    }
}
