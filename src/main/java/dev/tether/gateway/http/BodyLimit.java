package dev.tether.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a request body up to the configured limit ({@code tether.http.max-body}); past it, 413. One buffer per
 * request thread is reused, so a small body costs no allocation beyond what the parser keeps.
 */
public final class BodyLimit {

    private static final int KEEP = 64 * 1024; // a thread keeps a buffer up to this size between requests
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[8 * 1024]);

    /** A body in a buffer that is valid until the thread's next request. */
    public record Body(byte[] bytes, int length) {
        public byte[] copy() {
            return Arrays.copyOf(bytes, length);
        }
    }

    private BodyLimit() {
    }

    /** @param declared the Content-Length, or -1: a declared length over the limit is refused before reading */
    public static Body read(InputStream in, long declared, long max) throws IOException {
        if (declared > max) {
            throw HttpError.tooLarge(max);
        }
        byte[] buffer = BUFFERS.get();
        int length = 0;
        for (int n; (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
            length += n;
            if (length > max) {
                throw HttpError.tooLarge(max);
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, max + 1));
                if (buffer.length <= KEEP) {
                    BUFFERS.set(buffer);
                }
            }
        }
        return new Body(buffer, length);
    }
}
