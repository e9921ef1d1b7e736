package dev.tether.gateway;

import dev.tether.redis.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One key specification from {@code COMMAND INFO} (Redis 7): where the search for keys begins (an index, or after a
 * keyword) and how they are found from there (a range, or a count given in the command). {@link #UNKNOWN} for the
 * forms Redis itself cannot describe; the catalog then asks Redis ({@code COMMAND GETKEYS}).
 * Indexes count the command's words, the name being word 0 (a subcommand is word 1).
 */
record KeySpec(BeginSearch begin, int index, String keyword, int startFrom,
               FindKeys find, int lastKey, int keyStep, int limit, int keyNumIdx, int firstKey) {

    enum BeginSearch { INDEX, KEYWORD, UNKNOWN }

    enum FindKeys { RANGE, KEYNUM, UNKNOWN }

    static final KeySpec UNKNOWN = new KeySpec(BeginSearch.UNKNOWN, 0, null, 0, FindKeys.UNKNOWN, 0, 0, 0, 0, 0);

    /** The legacy first/last/step triple of Redis before 7, as a spec (lastKey counted from the first key). */
    static KeySpec legacy(int first, int last, int step) {
        // last < 0 counts from the end: -1 is the last word
        return new KeySpec(BeginSearch.INDEX, first, null, 0, FindKeys.RANGE,
                last < 0 ? last : last - first, Math.max(1, step), 0, 0, 0);
    }

    boolean known() {
        return begin != BeginSearch.UNKNOWN && find != FindKeys.UNKNOWN;
    }

    /**
     * Adds the positions of this spec's keys in {@code words} (word 0 is the name), as Redis computes them in
     * getKeysUsingKeySpecs; a command too short for its spec adds nothing (Redis answers it with an arity error).
     */
    void positions(List<byte[]> words, List<Integer> out) {
        int argc = words.size();
        int first;
        if (begin == BeginSearch.INDEX) {
            first = index;
        } else {
            first = -1;
            int from = startFrom >= 0 ? startFrom : argc + startFrom;
            int step = startFrom >= 0 ? 1 : -1;
            for (int i = from; i > 0 && i < argc; i += step) {
                if (new String(words.get(i), StandardCharsets.UTF_8).equalsIgnoreCase(keyword)) {
                    first = i + 1;
                    break;
                }
            }
            if (first < 0) {
                return;
            }
        }
        if (first >= argc) {
            return;
        }
        int last;
        int step;
        if (find == FindKeys.RANGE) {
            step = Math.max(1, keyStep);
            if (lastKey >= 0) {
                last = first + lastKey;
            } else if (limit <= 1) {
                last = argc + lastKey;
            } else {
                last = first + ((argc - first) / limit + lastKey);
            }
        } else {
            int numIdx = first + keyNumIdx;
            if (numIdx >= argc) {
                return;
            }
            long count;
            try {
                count = Long.parseLong(new String(words.get(numIdx), StandardCharsets.US_ASCII).trim());
            } catch (NumberFormatException e) {
                return; // Redis answers the bad number itself
            }
            step = Math.max(1, keyStep);
            first = first + firstKey;
            last = (int) Math.min(argc, first + (count - 1) * step);
            if (count <= 0) {
                return;
            }
        }
        for (int i = first; i <= last && i < argc; i += step) {
            out.add(i);
        }
    }

    /** Parses one spec of {@code COMMAND INFO}'s key-specifications field (a RESP2 map as a flat array). */
    static KeySpec parse(Reply reply) {
        Map<String, Reply> spec = map(reply);
        Map<String, Reply> begin = map(spec.get("begin_search"));
        Map<String, Reply> find = map(spec.get("find_keys"));
        Map<String, Reply> beginSpec = map(begin.get("spec"));
        Map<String, Reply> findSpec = map(find.get("spec"));
        BeginSearch b = switch (text(begin.get("type"))) {
            case "index" -> BeginSearch.INDEX;
            case "keyword" -> BeginSearch.KEYWORD;
            default -> BeginSearch.UNKNOWN;
        };
        FindKeys f = switch (text(find.get("type"))) {
            case "range" -> FindKeys.RANGE;
            case "keynum" -> FindKeys.KEYNUM;
            default -> FindKeys.UNKNOWN;
        };
        return new KeySpec(b, num(beginSpec.get("index")), text(beginSpec.get("keyword")), num(beginSpec.get("startfrom")),
                f, num(findSpec.get("lastkey")), num(findSpec.get("keystep")), num(findSpec.get("limit")),
                num(findSpec.get("keynumidx")), num(findSpec.get("firstkey")));
    }

    static List<KeySpec> parseAll(Reply reply) {
        List<KeySpec> specs = new ArrayList<>();
        if (reply instanceof Reply.Array list) {
            list.items().forEach(item -> specs.add(parse(item)));
        }
        return List.copyOf(specs);
    }

    private static Map<String, Reply> map(Reply reply) {
        Map<String, Reply> map = new HashMap<>();
        if (reply instanceof Reply.Array array) {
            List<Reply> items = array.items();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                map.put(text(items.get(i)).toLowerCase(Locale.ROOT), items.get(i + 1));
            }
        }
        return map;
    }

    private static String text(Reply reply) {
        if (reply instanceof Reply.Bulk bulk) {
            return new String(bulk.bytes(), StandardCharsets.UTF_8);
        }
        return reply instanceof Reply.Status status ? status.text() : "";
    }

    private static int num(Reply reply) {
        if (reply instanceof Reply.Int n) {
            return (int) n.value();
        }
        try {
            return Integer.parseInt(text(reply));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
