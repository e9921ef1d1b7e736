package dev.tether.chat;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Same-origin check of the chat handshake, plus {@code tether.chat.allowed-origins}. A servlet filter rather than
 * {@code Configurator.checkOrigin}, which sees the Origin but not the Host; it also answers 403 on servers whose
 * checkOrigin does not. Requests without Origin (non-browser clients) pass, as in gorilla's CheckOrigin.
 */
@WebFilter("/ws/chat/*")
public class ChatOriginFilter extends HttpFilter {

    @Inject
    ChatHub hub;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null || allowed(origin, request.getHeader("Host"))) {
            chain.doFilter(request, response);
        } else {
            ChatTokenFilter.refuse(response, HttpServletResponse.SC_FORBIDDEN, "origin " + origin + " is not allowed "
                    + "(tether.chat.allowed-origins)");
        }
    }

    private boolean allowed(String origin, String host) {
        if (hub.settings().allowedOrigins().contains("*") || hub.settings().allowedOrigins().stream()
                .anyMatch(o -> o.equalsIgnoreCase(origin))) {
            return true;
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority != null && host != null
                    && authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
