package dev.tether.chat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bare RFC 6455 client on a plain socket, for what a library client would hide: the handshake status, a
 * client that never answers pings, a client that stops reading.
 */
final class RawWebSocket implements AutoCloseable {

    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The events of a text frame (one object, or an array of them in order). */
        List<JsonObject> events() {
            try (var reader = Json.createReader(new StringReader(text()))) {
                JsonValue value = reader.readValue();
                return value instanceof JsonArray array ? array.getValuesAs(JsonObject.class) : List.of(value.asJsonObject());
            }
        }

        /** The events of a text frame of the given type. */
        List<JsonObject> events(String type) {
            return events().stream().filter(e -> type.equals(e.getString("type"))).toList();
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    final int status;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private boolean closeSeen;

    /** Connects and sends the upgrade request; {@code receiveBuffer} > 0 shrinks SO_RCVBUF (a slow reader). */
    RawWebSocket(URI uri, String origin, int receiveBuffer) throws IOException {
        this(uri, origin, receiveBuffer, "");
    }

    /** {@code headers}: extra request header lines, each ending in CRLF. */
    RawWebSocket(URI uri, String origin, int receiveBuffer, String headers) throws IOException {
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("tests talk to 127.0.0.1 only");
        }
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String request = "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + headers + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = line(in);
        status = Integer.parseInt(statusLine.split(" ")[1]);
        while (!line(in).isEmpty()) {
            // skip the headers
        }
    }

    /** Reads the next frame (waits at most the socket timeout). */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        closeSeen |= (b0 & 0x0f) == 0x8;
        return new Frame(b0 & 0x0f, payload);
    }

    void sendText(String text) throws IOException {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** A closing handshake when the connection is open (an abrupt close mid-upgrade upsets the server's logs), then the socket. */
    @Override
    public void close() throws IOException {
        try {
            if (status == 101 && !closeSeen) {
                send(0x8, new byte[] {0x03, (byte) 0xe8});
                socket.setSoTimeout(2000);
                while (read().opcode() != 0x8) {
                    // drain until the server's close frame
                }
            }
        } catch (IOException alreadyClosed) {
            // the server closed first
        } finally {
            socket.close();
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
