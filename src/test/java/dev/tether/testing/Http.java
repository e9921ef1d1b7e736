package dev.tether.testing;

import jakarta.json.Json;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small HTTP client for the tests, always against 127.0.0.1, with a timeout on every request. */
public final class Http {

    public record Result(int status, java.net.http.HttpHeaders headers, byte[] bytes, long millis) {

        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public JsonValue json() {
            try (var reader = Json.createReader(new StringReader(body()))) {
                return reader.readValue();
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body();
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient client;

    public Http(URI base, String token) {
        this.base = base;
        this.token = token;
        // HTTP/1.1 as the SDKs and scripts use it: one connection per concurrent request, no h2c upgrade
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        if (!"127.0.0.1".equals(base.getHost())) {
            throw new IllegalArgumentException("tests talk to 127.0.0.1 only, not " + base);
        }
    }

    public URI uri(String path) {
        return base.resolve(path); // "/health" is the server's root, "redis" is under the deployment
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public Result post(String path, String json, String... headers) {
        return send(withHeaders(request(path), headers).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Result get(String path, String... headers) {
        return send(withHeaders(request(path), headers).GET().build());
    }

    public Result send(HttpRequest request) {
        return sendAsync(request).join();
    }

    public CompletableFuture<Result> sendAsync(HttpRequest request) {
        long start = System.nanoTime();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Result(r.statusCode(), r.headers(), r.body(), (System.nanoTime() - start) / 1_000_000));
    }

    /** {@code ["SET","k","v"]} from words. */
    public static String command(String... words) {
        var array = Json.createArrayBuilder();
        for (String w : words) {
            array.add(w);
        }
        return array.build().toString();
    }

    public static JsonStructure parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.read();
        }
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }
}
