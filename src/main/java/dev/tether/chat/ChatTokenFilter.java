package dev.tether.chat;

import dev.tether.support.Jsonp;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The optional chat token ({@code tether.chat.token}) for private deployments: without it the chat is public by
 * design. Browsers cannot set headers on a WebSocket, so the token comes as {@code ?token=} (the page forwards its
 * own); other clients may send {@code Authorization: Bearer …} instead.
 */
@WebFilter("/ws/chat/*")
public class ChatTokenFilter extends HttpFilter {

    private byte[] token;

    @Inject
    @ConfigProperty(name = "tether.chat.token")
    Optional<String> configured;

    @Override
    public void init() {
        token = configured.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (token == null) {
            chain.doFilter(request, response);
            return;
        }
        String given = presented(request);
        if (given == null) {
            refuse(response, 401, "this chat needs a token: open the page with ?token=… or send ?token= "
                    + "(or Authorization: Bearer …) with the handshake");
        } else if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            refuse(response, 401, "wrong chat token");
        } else {
            chain.doFilter(request, response);
        }
    }

    /** A refused handshake: {@code status} and Tether's JSON error, written here (no error-page round trip). */
    static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = Jsonp.error("ERR " + message);
        response.setStatus(status);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String presented(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("token=")) {
                    return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }
}
