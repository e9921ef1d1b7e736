package dev.tether.gateway.http;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers a URL over {@code tether.http.max-url} with a JSON 414 on every route. The run script raises Payara's
 * limit on the request head (8 KiB by default, answered with an empty 400) above this one, so that clients see why.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class UrlLimit extends HttpFilter {

    private int max;

    @Inject
    HttpLimits limits;

    @Override
    public void init() {
        max = limits.maxUrl();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String query = request.getQueryString();
        int length = request.getRequestURI().length() + (query == null ? 0 : query.length() + 1);
        if (length > max) {
            response.setHeader("Connection", "close");
            Failures.send(response, new HttpError(414, "URL of " + length + " characters is longer than " + max
                    + " (tether.http.max-url): send long arguments in a POST body"));
            return;
        }
        chain.doFilter(request, response);
    }
}
