package dev.tether.gateway.http;

import jakarta.servlet.http.HttpServletRequest;

/** The raw, still percent-encoded, parts of a request path: servlet containers hand out only decoded ones. */
public final class RequestPaths {

    private RequestPaths() {
    }

    /** What follows the servlet path and its slash ({@code /redis/subscribe/<rest>}), "" when nothing does. */
    public static String rest(HttpServletRequest request) {
        String uri = request.getRequestURI();
        int start = request.getContextPath().length() + request.getServletPath().length() + 1;
        return start >= uri.length() ? "" : uri.substring(start);
    }
}
