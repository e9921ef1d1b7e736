package dev.tether.cluster;

import java.util.List;

/** What clients saw around a failover: counts, the slowest 503, and how long requests failed. */
record Report(int ok, int unavailable, int withRetryAfter, int ambiguous, int other, List<String> otherExamples,
              long slowest503, long firstFailureAfterKill, long outageMillis, java.util.Map<String, Integer> reasons) {

    static Report of(List<IncrTraffic.Outcome> all, long killedAt, long timeout) {
        int ok = 0;
        int unavailable = 0;
        int retryAfter = 0;
        int ambiguous = 0;
        int other = 0;
        long slowest = 0;
        long firstFailure = -1;
        long lastFailure = -1;
        java.util.ArrayList<String> examples = new java.util.ArrayList<>();
        java.util.Map<String, Integer> reasons = new java.util.TreeMap<>();
        for (IncrTraffic.Outcome o : all) {
            if (o.status() == 200) {
                ok++;
                continue;
            }
            if (o.status() == 503) {
                unavailable++;
                retryAfter += o.retryAfter() != null ? 1 : 0;
                slowest = Math.max(slowest, o.millis());
                // the reason without addresses and numbers: a handful of kinds
                reasons.merge(o.body().replaceAll("[0-9.:]+", "#"), 1, Integer::sum);
                // a command that was sent and not answered may have run; one refused before sending did not
                ambiguous += o.body().contains("no answer in time") || o.millis() >= timeout ? 1 : 0;
            } else {
                other++;
                if (examples.size() < 5) {
                    examples.add(o.status() + " " + o.body());
                }
            }
            if (firstFailure < 0) {
                firstFailure = o.startedAt();
            }
            lastFailure = o.startedAt() + o.millis();
        }
        return new Report(ok, unavailable, retryAfter, ambiguous, other, examples, slowest,
                firstFailure < 0 ? -1 : firstFailure - killedAt, firstFailure < 0 ? 0 : lastFailure - firstFailure, reasons);
    }

    /** /health/ready once it answers 200, or its last answer after {@code millis} (the first check may be pending). */
    static dev.tether.testing.Http.Result awaitReady(dev.tether.testing.Http management, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        dev.tether.testing.Http.Result ready = management.get("health/ready");
        while (ready.status() != 200 && System.currentTimeMillis() < deadline) {
            dev.tether.testing.RedisServer.sleep(100);
            ready = management.get("health/ready");
        }
        return ready;
    }

    @Override
    public String toString() {
        return ok + " × 200, " + unavailable + " × 503 (" + withRetryAfter + " with Retry-After, " + ambiguous
                + " timed out, slowest " + slowest503 + " ms), " + other + " other; first failure " + firstFailureAfterKill
                + " ms after the kill, failures for " + outageMillis + " ms; 503 reasons " + reasons;
    }
}
