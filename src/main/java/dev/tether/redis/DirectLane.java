package dev.tether.redis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Blocking Redis connections used by the request thread itself for single non-blocking commands on one Redis
 * server: the thread writes the command and reads the reply, with no hand-off to Redisson's Netty threads and back
 * (measured: that hand-off and Redisson's path were about a quarter of the CPU a request costs; see bench/).
 * Redisson's pool still serves everything else, and this lane's overflow: {@link #call} answers null when all of
 * its connections are busy. Like Redisson's pool it never hands out a connection that may have gone stale: one
 * idle for longer than 250 ms (or the ping interval, if shorter) answers a PING first, and one that fails is closed
 * and replaced.
 * Nothing is ever sent twice: a command whose connection fails is reported as unavailable, not retried.
 */
public final class DirectLane {

    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress address;
    private final List<byte[]> handshake;
    private final int size;
    private final int timeout;
    private final int connectTimeout;
    private final long staleNanos;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    DirectLane(RedisSettings settings) {
        URI uri = URI.create(settings.url());
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        this.handshake = handshake(settings);
        this.size = settings.poolSize();
        this.timeout = settings.timeout();
        this.connectTimeout = settings.connectTimeout();
        // 0 turns Redisson's pings off; here too. Otherwise at most 250 ms: Redisson sees a closed connection at once
        // (Netty reads the FIN), a blocking socket only when used, so a Redis restart would otherwise cost one failed
        // request per connection used in the last ping interval; a connection this busy is never checked.
        this.staleNanos = settings.pingInterval() == 0 ? Long.MAX_VALUE
                : TimeUnit.MILLISECONDS.toNanos(Math.min(settings.pingInterval(), 250));
    }

    /** Whether these settings allow the lane: one plain-TCP server configured by Tether's own properties. */
    static boolean applies(RedisSettings settings) {
        return settings.mode() == RedisSettings.Mode.SINGLE && settings.configFile().isEmpty()
                && settings.url().startsWith("redis://");
    }

    /**
     * Runs one command on this thread. Returns null when no connection is free, or when this is one of Netty's
     * threads (Redisson's event loops and executor: a stage that completed there may run the next command, and
     * those threads must never wait on a socket); the caller then uses Redisson's pool. Throws
     * {@link RedisUnavailableException} when Redis cannot be reached or did not answer in time.
     */
    public Reply call(String upperName, List<byte[]> args) {
        if (Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            return null;
        }
        Connection connection = borrow();
        if (connection == null) {
            return null;
        }
        Reply reply;
        try {
            reply = connection.call(upperName, args);
        } catch (IOException e) {
            discard(connection);
            throw RedisErrors.unavailable(e);
        } catch (RuntimeException e) {
            discard(connection);
            throw e;
        }
        release(connection); // also after LOADING or BUSY: the connection itself is sound
        if (reply instanceof Reply.Error error && RedisErrors.unavailableText(error.message())) {
            throw new RedisUnavailableException("Redis is unavailable: " + error.message(), 1, null);
        }
        return reply;
    }

    /** Connections open now (busy or idle). */
    public int open() {
        return open.get();
    }

    void close() {
        closed = true;
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            discard(c);
        }
    }

    private Connection borrow() {
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            if (System.nanoTime() - c.lastUsed < staleNanos || c.alive()) {
                return c;
            }
            discard(c);
        }
        if (closed || open.incrementAndGet() > size) {
            open.decrementAndGet();
            return null;
        }
        try {
            return new Connection();
        } catch (IOException | RuntimeException e) {
            open.decrementAndGet();
            throw RedisErrors.unavailable(e);
        }
    }

    private void release(Connection connection) {
        connection.lastUsed = System.nanoTime();
        if (closed) {
            discard(connection);
        } else {
            idle.offerFirst(connection); // most recently used first: the warmest connection goes out next
        }
    }

    private void discard(Connection connection) {
        open.decrementAndGet();
        try {
            connection.socket.close();
        } catch (IOException ignored) {
            // closing a failed socket
        }
    }

    /** AUTH and SELECT from the URL, as Redisson sends them on its own connections. */
    private static List<byte[]> handshake(RedisSettings settings) {
        List<byte[]> commands = new ArrayList<>();
        settings.credentials().ifPresent(c -> commands.add(c.user().isEmpty()
                ? encode("AUTH", List.of(bytes(c.password())))
                : encode("AUTH", List.of(bytes(c.user()), bytes(c.password())))));
        settings.database().filter(db -> db != 0)
                .ifPresent(db -> commands.add(encode("SELECT", List.of(bytes(Integer.toString(db))))));
        return commands;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(String name, List<byte[]> args) {
        Buffer out = new Buffer(64);
        out.command(name, args);
        return Arrays.copyOf(out.bytes, out.length);
    }

    /** One blocking connection; used by one thread at a time. */
    private final class Connection {
        final Socket socket = new Socket();
        final OutputStream out;
        final RespReader in;
        final Buffer buffer = new Buffer(256);
        long lastUsed;

        Connection() throws IOException {
            try {
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                socket.connect(address, connectTimeout);
                socket.setSoTimeout(Math.max(connectTimeout, timeout));
                out = socket.getOutputStream();
                in = new RespReader(socket.getInputStream());
                for (byte[] command : handshake) {
                    out.write(command);
                    if (in.read() instanceof Reply.Error error) {
                        throw new IOException("Redis refused the connection's setup: " + error.message());
                    }
                }
                socket.setSoTimeout(timeout);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        Reply call(String upperName, List<byte[]> args) throws IOException {
            buffer.length = 0;
            buffer.command(upperName, args);
            out.write(buffer.bytes, 0, buffer.length);
            return in.read();
        }

        boolean alive() {
            try {
                out.write(PING);
                return in.read() instanceof Reply.Status;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /** A growable byte buffer holding one RESP request. */
    private static final class Buffer {
        byte[] bytes;
        int length;

        Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        void command(String name, List<byte[]> args) {
            header('*', args.size() + 1);
            bulk(name.getBytes(StandardCharsets.UTF_8));
            for (byte[] arg : args) {
                bulk(arg);
            }
        }

        private void bulk(byte[] value) {
            header('$', value.length);
            put(value, value.length);
            put(CRLF, 2);
        }

        private void header(char type, int n) {
            ensure(16);
            bytes[length++] = (byte) type;
            String digits = Integer.toString(n);
            for (int i = 0; i < digits.length(); i++) {
                bytes[length++] = (byte) digits.charAt(i);
            }
            bytes[length++] = '\r';
            bytes[length++] = '\n';
        }

        private void put(byte[] source, int n) {
            ensure(n);
            System.arraycopy(source, 0, bytes, length, n);
            length += n;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }

    /** Reads RESP2 replies from a stream into {@link Reply} values (the same values as {@link RespReplies}). */
    static final class RespReader {
        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        RespReader(InputStream in) {
            this.in = in;
        }

        Reply read() throws IOException {
            byte type = next();
            switch (type) {
                case '+':
                    return new Reply.Status(line());
                case '-':
                    return new Reply.Error(line());
                case ':':
                    return new Reply.Int(number());
                case '$': {
                    long n = number();
                    if (n < 0) {
                        return Reply.NIL;
                    }
                    byte[] bytes = new byte[Math.toIntExact(n)];
                    fill(bytes);
                    next();
                    next(); // CRLF
                    return new Reply.Bulk(bytes);
                }
                case '*': {
                    long n = number();
                    if (n < 0) {
                        return Reply.NIL_ARRAY;
                    }
                    List<Reply> items = new ArrayList<>((int) Math.min(n, 1024));
                    for (long i = 0; i < n; i++) {
                        items.add(read());
                    }
                    return new Reply.Array(items);
                }
                default:
                    throw new IOException("unexpected RESP type byte " + type);
            }
        }

        private byte next() throws IOException {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    throw new EOFException("Redis closed the connection");
                }
            }
            return buffer[position++];
        }

        private String line() throws IOException {
            int start = position;
            for (int i = position; i < limit - 1; i++) {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                    position = i + 2;
                    return new String(buffer, start, i - start, StandardCharsets.UTF_8);
                }
            }
            // the line spans reads: collect it byte by byte
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            for (byte b; (b = next()) != '\r'; ) {
                text.write(b);
            }
            next();
            return text.toString(StandardCharsets.UTF_8);
        }

        private long number() throws IOException {
            long value = 0;
            boolean negative = false;
            for (byte b; (b = next()) != '\r'; ) {
                if (b == '-') {
                    negative = true;
                } else {
                    value = value * 10 + (b - '0');
                }
            }
            next();
            return negative ? -value : value;
        }

        private void fill(byte[] target) throws IOException {
            int done = Math.min(limit - position, target.length);
            System.arraycopy(buffer, position, target, 0, done);
            position += done;
            while (done < target.length) {
                int n = in.read(target, done, target.length - done);
                if (n < 0) {
                    throw new EOFException("Redis closed the connection");
                }
                done += n;
            }
        }
    }
}
