package dev.tether.cluster;

import dev.tether.testing.Http;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One client sending {@code INCR} through Tether in a loop (bounded in time), recording every answer: what a client
 * sees during a failover or a slot migration. The key of request i is {@code keys.apply(i)}.
 */
final class IncrTraffic implements AutoCloseable {

    record Outcome(long startedAt, int status, long millis, String retryAfter, String body, String key) {
    }

    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stop;

    IncrTraffic(Http http, IntFunction<String> keys, long maxMillis) {
        this(http, keys, maxMillis, 1);
    }

    /**
     * With {@code pipeline} > 1, each request is a {@code /redis/pipeline} of that many INCRs (keys i, i+1, …), and
     * each command is one outcome: 200 for a result, the pipeline's status otherwise, with the slot's error.
     */
    IncrTraffic(Http http, IntFunction<String> keys, long maxMillis, int pipeline) {
        long end = System.currentTimeMillis() + maxMillis;
        thread = new Thread(() -> {
            for (int i = 0; !stop && System.currentTimeMillis() < end; i += pipeline) {
                if (pipeline > 1) {
                    pipelined(http, keys, i, pipeline);
                    continue;
                }
                String key = keys.apply(i);
                long started = System.currentTimeMillis();
                Http.Result r;
                try {
                    r = http.post("redis", Http.command("INCR", key));
                } catch (RuntimeException e) {
                    outcomes.add(new Outcome(started, -1, System.currentTimeMillis() - started, null, e.toString(), key));
                    continue;
                }
                outcomes.add(new Outcome(started, r.status(), r.millis(), r.header("Retry-After"), r.body(), key));
                if (r.status() != 200) {
                    sleep(20); // a client backing off a little, as Retry-After asks
                }
            }
        }, "incr-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    private void pipelined(Http http, IntFunction<String> keys, int first, int n) {
        jakarta.json.JsonArrayBuilder commands = jakarta.json.Json.createArrayBuilder();
        for (int i = first; i < first + n; i++) {
            commands.add(jakarta.json.Json.createArrayBuilder().add("INCR").add(keys.apply(i)));
        }
        long started = System.currentTimeMillis();
        Http.Result r;
        try {
            r = http.post("redis/pipeline", commands.build().toString());
        } catch (RuntimeException e) {
            for (int i = first; i < first + n; i++) {
                outcomes.add(new Outcome(started, -1, System.currentTimeMillis() - started, null, e.toString(), keys.apply(i)));
            }
            return;
        }
        jakarta.json.JsonArray replies = r.status() == 200 ? (jakarta.json.JsonArray) r.json() : null;
        for (int i = first; i < first + n; i++) {
            jakarta.json.JsonObject reply = replies == null ? null : replies.getJsonObject(i - first);
            boolean ok = reply != null && reply.containsKey("result");
            outcomes.add(new Outcome(started, ok ? 200 : r.status() == 200 ? -2 : r.status(), r.millis(),
                    r.header("Retry-After"), reply == null ? r.body() : reply.toString(), keys.apply(i)));
        }
        if (replies == null) {
            sleep(20);
        }
    }

    List<Outcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** Waits until {@code n} answers of {@code status} came after the first answer that was not {@code status}. */
    boolean awaitAfterOutage(int status, int n, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            List<Outcome> all = outcomes();
            int firstBad = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).status() != status) {
                    firstBad = i;
                    break;
                }
            }
            if (firstBad >= 0) {
                long ok = all.subList(firstBad, all.size()).stream().filter(o -> o.status() == status).count();
                if (ok >= n) {
                    return true;
                }
            }
            sleep(50);
        }
        return false;
    }

    void awaitCount(int n, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (outcomes.size() < n && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
