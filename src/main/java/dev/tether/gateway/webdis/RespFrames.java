package dev.tether.gateway.webdis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A command frame on the {@code /webdis/.raw} socket, as Webdis reads it (formats/raw.c, {@code raw_ws_extract}):
 * one RESP array whose items are bulk strings (binary-safe) or integers (their decimal text), e.g.
 * {@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}. Anything else is refused with a message naming the problem.
 */
final class RespFrames {

    private final byte[] frame;
    private int at;

    private RespFrames(byte[] frame) {
        this.frame = frame;
    }

    /** The words of one command; IllegalArgumentException for anything but exactly one RESP array. */
    static List<byte[]> words(byte[] frame, int maxArgs) {
        RespFrames r = new RespFrames(frame);
        if (frame.length == 0 || frame[0] != '*') {
            throw new IllegalArgumentException("a .raw frame is one RESP array such as *2\\r\\n$3\\r\\nGET\\r\\n$1\\r\\nk\\r\\n");
        }
        r.at = 1;
        long count = r.number();
        if (count < 1) {
            throw new IllegalArgumentException("a RESP command needs at least its name");
        }
        if (count > maxArgs + 1L) {
            throw new IllegalArgumentException("more than " + maxArgs + " arguments (tether.webdis.max-args)");
        }
        List<byte[]> words = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            words.add(r.item(i));
        }
        if (r.at != frame.length) {
            throw new IllegalArgumentException((frame.length - r.at) + " bytes after the command: one command per frame");
        }
        if (words.get(0).length == 0) {
            throw new IllegalArgumentException("the command name is empty");
        }
        return words;
    }

    private byte[] item(long index) {
        if (at >= frame.length) {
            throw new IllegalArgumentException("the RESP array ends after " + index + " items");
        }
        byte type = frame[at++];
        if (type == ':') {
            return Long.toString(number()).getBytes(StandardCharsets.US_ASCII);
        }
        if (type != '$') {
            throw new IllegalArgumentException("item " + index + " is not a bulk string or an integer");
        }
        long length = number();
        if (length < 0) {
            throw new IllegalArgumentException("item " + index + " is a nil bulk string");
        }
        if (length > frame.length - at - 2L || frame[at + (int) length] != '\r' || frame[at + (int) length + 1] != '\n') {
            throw new IllegalArgumentException("item " + index + " is not " + length + " bytes followed by \\r\\n");
        }
        byte[] bytes = java.util.Arrays.copyOfRange(frame, at, at + (int) length);
        at += (int) length + 2;
        return bytes;
    }

    /** A decimal number ending in CRLF. */
    private long number() {
        int start = at;
        boolean negative = at < frame.length && frame[at] == '-';
        if (negative) {
            at++;
        }
        long value = 0;
        while (at < frame.length && frame[at] >= '0' && frame[at] <= '9' && at - start < 19) {
            value = value * 10 + (frame[at++] - '0');
        }
        if (at == start + (negative ? 1 : 0) || at + 1 >= frame.length || frame[at] != '\r' || frame[at + 1] != '\n') {
            throw new IllegalArgumentException("a RESP length or integer must be digits followed by \\r\\n");
        }
        at += 2;
        return negative ? -value : value;
    }
}
