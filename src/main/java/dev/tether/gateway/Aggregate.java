package dev.tether.gateway;

import dev.tether.redis.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Combines the replies of a command sent to every master, by the command's {@code response_policy} tip as Redis
 * documents it for cluster clients: sums, minimum and maximum, logical AND and OR (element-wise for arrays), all
 * or one succeeded; with no policy, arrays are concatenated; "special" answers per node
 * ({@code [node, reply, node, reply, …]}).
 */
final class Aggregate {

    private Aggregate() {
    }

    static Reply of(String policy, List<String> nodes, List<Reply> replies) {
        for (Reply reply : replies) {
            if (reply instanceof Reply.Error && !policy.equals("one_succeeded") && !policy.equals("special")) {
                return reply;
            }
        }
        return switch (policy) {
            case "agg_sum", "agg_min", "agg_max", "agg_logical_and", "agg_logical_or" -> combine(policy, replies);
            case "all_succeeded" -> replies.get(0);
            case "one_succeeded" -> replies.stream().filter(r -> !(r instanceof Reply.Error)).findFirst()
                    .orElse(replies.get(0));
            case "special" -> perNode(nodes, replies);
            default -> concat(replies);
        };
    }

    static Reply perNode(List<String> nodes, List<Reply> replies) {
        List<Reply> out = new ArrayList<>(replies.size() * 2);
        for (int i = 0; i < replies.size(); i++) {
            out.add(new Reply.Bulk(nodes.get(i).getBytes(StandardCharsets.UTF_8)));
            out.add(replies.get(i));
        }
        return new Reply.Array(out);
    }

    private static Reply concat(List<Reply> replies) {
        if (!replies.stream().allMatch(r -> r instanceof Reply.Array)) {
            return replies.get(0);
        }
        List<Reply> out = new ArrayList<>();
        replies.forEach(r -> out.addAll(((Reply.Array) r).items()));
        return new Reply.Array(out);
    }

    /** Concatenated without repeats (PUBSUB CHANNELS: a channel may be known on several nodes). */
    static Reply distinct(List<Reply> replies) {
        Set<String> seen = new LinkedHashSet<>();
        List<Reply> out = new ArrayList<>();
        for (Reply reply : replies) {
            if (reply instanceof Reply.Error) {
                return reply;
            }
            if (reply instanceof Reply.Array array) {
                for (Reply item : array.items()) {
                    if (item instanceof Reply.Bulk bulk && seen.add(new String(bulk.bytes(), StandardCharsets.ISO_8859_1))) {
                        out.add(item);
                    }
                }
            }
        }
        return new Reply.Array(out);
    }

    /** PUBSUB NUMSUB's {@code [channel, count, …]} summed per channel over the nodes. */
    static Reply sumPairs(List<Reply> replies) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Reply> names = new LinkedHashMap<>();
        for (Reply reply : replies) {
            if (reply instanceof Reply.Error) {
                return reply;
            }
            List<Reply> items = ((Reply.Array) reply).items();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                String name = new String(((Reply.Bulk) items.get(i)).bytes(), StandardCharsets.ISO_8859_1);
                names.putIfAbsent(name, items.get(i));
                counts.computeIfAbsent(name, n -> new long[1])[0] += ((Reply.Int) items.get(i + 1)).value();
            }
        }
        List<Reply> out = new ArrayList<>();
        names.forEach((name, reply) -> {
            out.add(reply);
            out.add(new Reply.Int(counts.get(name)[0]));
        });
        return new Reply.Array(out);
    }

    private static Reply combine(String policy, List<Reply> replies) {
        Reply first = replies.get(0);
        if (first instanceof Reply.Array array) {
            List<Reply> out = new ArrayList<>(array.items());
            for (Reply other : replies.subList(1, replies.size())) {
                List<Reply> items = ((Reply.Array) other).items();
                for (int i = 0; i < out.size() && i < items.size(); i++) {
                    out.set(i, combine(policy, List.of(out.get(i), items.get(i))));
                }
            }
            return new Reply.Array(out);
        }
        long value = ((Reply.Int) first).value();
        for (Reply other : replies.subList(1, replies.size())) {
            long v = ((Reply.Int) other).value();
            value = switch (policy) {
                case "agg_sum" -> value + v;
                case "agg_min" -> Math.min(value, v);
                case "agg_max" -> Math.max(value, v);
                case "agg_logical_and" -> (value != 0 && v != 0) ? 1 : 0;
                default -> (value != 0 || v != 0) ? 1 : 0;
            };
        }
        return new Reply.Int(value);
    }
}
