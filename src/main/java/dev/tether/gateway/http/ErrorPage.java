package dev.tether.gateway.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page of the whole application (WEB-INF/web.xml): what the server answers itself — an unknown path, a
 * method a static file does not take, an exception no route handled — as the same JSON error as every route.
 */
@WebServlet("/.error")
public class ErrorPage extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : 404;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri.toString();
        String what = request.getMethod() + " " + path;
        // Tether's own refusals write their JSON themselves; what reaches this page is the server's, worded here
        String message = switch (status) {
            case 404 -> "no such route: " + what;
            case 403, 405 -> request.getMethod() + " is not allowed on " + path;
            case 500 -> "internal error on " + what;
            default -> "request refused (" + status + "): " + what;
        };
        response.resetBuffer();
        Failures.send(response, status, message);
    }
}
