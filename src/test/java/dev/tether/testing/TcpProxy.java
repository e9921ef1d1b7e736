package dev.tether.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy for failure tests. {@link #blackholeExisting()} makes every open connection silently
 * drop data in both directions without closing (a half-open connection, as a NAT that forgot it); connections
 * opened afterwards are forwarded normally.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private volatile long latencyMillis;

    private record Pair(Socket client, Socket upstream, AtomicBoolean forwarding) {
    }

    public TcpProxy(int upstreamPort) {
        this.upstreamPort = upstreamPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Delays every forwarded chunk by this much, both ways, as a distant Redis would. */
    public void latency(long millis) {
        latencyMillis = millis;
    }

    /** Half-opens every current connection: bytes are read and thrown away, nothing is closed. */
    public int blackholeExisting() {
        int n = 0;
        for (Pair pair : pairs) {
            if (pair.forwarding().getAndSet(false)) {
                n++;
            }
        }
        return n;
    }

    private void accept() {
        while (open) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 1000);
                Pair pair = new Pair(client, upstream, new AtomicBoolean(true));
                pairs.add(pair);
                pump(pair, client, upstream);
                pump(pair, upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** A reader that stamps each chunk and a writer that sends it once its delay is over: latency, not a bandwidth cap. */
    private void pump(Pair pair, Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        java.util.concurrent.BlockingQueue<Chunk> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (pair.forwarding().get()) {
                        queue.add(new Chunk(System.nanoTime() / 1_000_000 + latencyMillis,
                                java.util.Arrays.copyOf(buffer, n)));
                    }
                }
            } catch (IOException ignored) {
                // one side went away
            }
            queue.add(Chunk.END);
        }, "proxy-read");
        Thread writer = new Thread(() -> {
            try {
                for (Chunk chunk; (chunk = queue.take()) != Chunk.END; ) {
                    long wait = chunk.deliverAt() - System.nanoTime() / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    if (pair.forwarding().get()) {
                        out.write(chunk.bytes());
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // one side went away
            }
            if (pair.forwarding().get()) {
                closeQuietly(pair.client());
                closeQuietly(pair.upstream());
                pairs.remove(pair);
            }
        }, "proxy-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private record Chunk(long deliverAt, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    @Override
    public void close() {
        open = false;
        closeQuietly(server);
        for (Pair pair : pairs) {
            closeQuietly(pair.client());
            closeQuietly(pair.upstream());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
