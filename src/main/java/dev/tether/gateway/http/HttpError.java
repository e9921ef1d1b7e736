package dev.tether.gateway.http;

/** A request refused at the HTTP level (405, 413, a CORS origin not allowed…), with the status to answer. */
public final class HttpError extends RuntimeException {

    private final int status;

    public HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpError tooLarge(long max) {
        return new HttpError(413, "request body larger than " + max + " bytes (tether.http.max-body)");
    }
}
