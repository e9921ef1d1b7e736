package dev.tether.testing;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Closed-loop load: N clients each sending one request after another, bounded in time and in count. */
public final class Load {

    /** One request's outcome; {@code status} is -1 when the HTTP exchange itself failed. */
    public record Sample(long startedAt, long millis, int status, String retryAfter, String body) {
    }

    private Load() {
    }

    public static List<Sample> run(Http http, int clients, long durationMillis, int maxRequests,
                                   IntFunction<HttpRequest> request) {
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long end = System.currentTimeMillis() + durationMillis;
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                while (System.currentTimeMillis() < end) {
                    int n = sent.getAndIncrement();
                    if (n >= maxRequests) {
                        return;
                    }
                    long start = System.currentTimeMillis();
                    try {
                        Http.Result r = http.send(request.apply(n));
                        samples.add(new Sample(start, r.millis(), r.status(), r.header("Retry-After"), r.body()));
                    } catch (RuntimeException e) {
                        samples.add(new Sample(start, System.currentTimeMillis() - start, -1, null, e.toString()));
                    }
                }
            });
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(durationMillis + 60_000, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                throw new AssertionError("load clients did not finish: a request hung");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ArrayList<>(samples);
    }
}
