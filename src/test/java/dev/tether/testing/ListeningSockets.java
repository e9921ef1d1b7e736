package dev.tether.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a server process listens on, read from Linux's /proc: TCP sockets in LISTEN state and unconnected UDP
 * sockets (both accept packets from anywhere their address allows), matched to the process by socket inode.
 */
public final class ListeningSockets {

    /** One listening socket: protocol, local address as text ("127.0.0.1", "::", "::ffff:127.0.0.1", ...), port. */
    public record Socket(String protocol, String address, int port) {
        public boolean loopback() {
            return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
        }

        @Override
        public String toString() {
            return protocol + " " + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        }
    }

    private record Entry(Socket socket, long inode, boolean listening) {
    }

    private ListeningSockets() {
    }

    /** The process among this JVM's descendants that listens on TCP {@code port} (the server a test started). */
    public static long serverListeningOn(int port) {
        Set<Long> inodes = new HashSet<>();
        for (Entry e : entries()) {
            if (e.listening() && e.socket().protocol().startsWith("tcp") && e.socket().port() == port) {
                inodes.add(e.inode());
            }
        }
        if (inodes.isEmpty()) {
            throw new AssertionError("nothing listens on TCP port " + port);
        }
        Optional<ProcessHandle> owner = ProcessHandle.current().descendants()
                .filter(p -> socketInodes(p.pid()).stream().anyMatch(inodes::contains)).findFirst();
        return owner.orElseThrow(() -> new AssertionError("no process started by this test JVM listens on " + port)).pid();
    }

    /** Every listening TCP socket and unconnected UDP socket of process {@code pid}. */
    public static List<Socket> of(long pid) {
        Set<Long> mine = socketInodes(pid);
        List<Socket> sockets = new ArrayList<>();
        for (Entry e : entries()) {
            if (e.listening() && mine.contains(e.inode())) {
                sockets.add(e.socket());
            }
        }
        return sockets;
    }

    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    // an fd closed while listing
                }
            });
        } catch (IOException processGone) {
            // not ours to read, or exited
        }
        return inodes;
    }

    private static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc/net", protocol));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                String[] remote = f[2].split(":");
                boolean listening = protocol.startsWith("tcp")
                        ? f[3].equals("0A")                        // TCP_LISTEN
                        : Integer.parseInt(remote[1], 16) == 0;   // UDP with no peer: receives from anyone
                entries.add(new Entry(new Socket(protocol, address(local[0]), Integer.parseInt(local[1], 16)),
                        Long.parseLong(f[9]), listening));
            }
        }
        return entries;
    }

    /** /proc/net writes addresses as 32-bit words in host (little-endian) order. */
    private static String address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        try {
            String text = java.net.InetAddress.getByAddress(bytes).getHostAddress();
            if (bytes.length == 16 && text.startsWith("0:0:0:0:0:ffff:")) {
                return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
            }
            return text.equals("0:0:0:0:0:0:0:0") ? "::" : text.equals("0:0:0:0:0:0:0:1") ? "::1" : text;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(hex, e);
        }
    }
}
