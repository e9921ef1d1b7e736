package dev.tether.cluster;

import dev.tether.testing.Http;
import dev.tether.testing.RedisServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the per-node gauges ({@code tether_redis_node_*{node="127.0.0.1:port"}}) from /metrics. */
final class NodeMetrics {

    private final Http management;

    NodeMetrics(Http management) {
        this.management = management;
    }

    /** The gauge's value for the node, or null when /metrics has no such line. */
    Double value(String name, RedisServer node) {
        Http.Result metrics = management.get("metrics?scope=application");
        Matcher m = Pattern.compile("^tether_redis_node_" + name + "\\{[^}]*node=\"127\\.0\\.0\\.1:" + node.port()
                + "\"[^}]*} ([0-9.]+)$", Pattern.MULTILINE).matcher(metrics.body());
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    /** Polls until the gauge reads {@code expected} (the health check refreshes it); the last value read. */
    Double await(String name, RedisServer node, double expected, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        Double value = value(name, node);
        while ((value == null || value != expected) && System.currentTimeMillis() < deadline) {
            RedisServer.sleep(100);
            value = value(name, node);
        }
        return value;
    }
}
