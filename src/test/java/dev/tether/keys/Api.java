package dev.tether.keys;

import dev.tether.testing.Http;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** Requests to /api for the keys tests, on the shared {@link Http} client. */
final class Api {

    final Http http;

    Api(Http http) {
        this.http = http;
    }

    Http.Result get(String path, String... headers) {
        return http.get("api/" + path, headers);
    }

    Http.Result put(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = http.request("api/" + path).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(with(b, headers).build());
    }

    Http.Result put(String path, String contentType, String body, String... headers) {
        return put(path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Http.Result putJson(String path, String json, String... headers) {
        return put(path, "application/json", json, headers);
    }

    Http.Result post(String path, String contentType, String body) {
        return http.send(http.request("api/" + path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Http.Result delete(String path, String... headers) {
        return http.send(with(http.request("api/" + path), headers).DELETE().build());
    }

    Http.Result method(String method, String path) {
        return http.send(http.request("api/" + path).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static HttpRequest.Builder with(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }
}
