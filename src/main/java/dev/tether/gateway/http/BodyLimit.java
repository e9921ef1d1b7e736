package dev.tether.gateway.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a request body up to the configured limit ({@code tether.http.max-body}); past it, 413. */
public final class BodyLimit {

    private BodyLimit() {
    }

    public static byte[] read(InputStream in, long max) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > max) {
                    throw tooLarge(max);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WebApplicationException tooLarge(long max) {
        return new WebApplicationException("request body larger than " + max + " bytes (tether.http.max-body)",
                Response.Status.REQUEST_ENTITY_TOO_LARGE);
    }
}
