package dev.tether.gateway.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes a JSON response in one go, with its length (no chunking). */
public final class Json {

    private Json() {
    }

    public static void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        send(response, status, body, body.length);
    }

    public static void send(HttpServletResponse response, int status, byte[] body, int length) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(length);
        response.getOutputStream().write(body, 0, length);
    }
}
