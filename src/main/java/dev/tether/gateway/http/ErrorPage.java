package dev.tether.gateway.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * The error page of the whole application (WEB-INF/web.xml): what the server answers itself — an unknown path, a
 * method a static file does not take, an exception no route handled — as the same JSON error as every route.
 */
@WebServlet("/.error")
public class ErrorPage extends HttpServlet {

    private static final Set<String> GENERIC = Set.of("bad request", "unauthorized", "forbidden", "not found",
            "method not allowed", "not acceptable", "conflict", "gone");

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : 404;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri.toString();
        String what = request.getMethod() + " " + path;
        Object given = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        // a message of the application's own (sendError(401, "…")) is kept; the server's bare reason phrases are not
        boolean own = given != null && status >= 400 && status < 500 && status != 404 && status != 405
                && !given.toString().isBlank() && !GENERIC.contains(given.toString().toLowerCase(Locale.ROOT));
        String message = own
                ? given + ": " + what
                : switch (status) {
                    case 404 -> "no such route: " + what;
                    case 403, 405 -> request.getMethod() + " is not allowed on " + path;
                    case 500 -> "internal error on " + what;
                    default -> "request refused (" + status + "): " + what;
                };
        response.resetBuffer();
        Failures.send(response, status, message);
    }
}
