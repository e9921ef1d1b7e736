package dev.tether.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Redis reply in RESP2 shape. Dialects turn it into their JSON. */
public sealed interface Reply {

    record Status(String text) implements Reply {
    }

    record Bulk(byte[] bytes) implements Reply {
    }

    record Int(long value) implements Reply {
    }

    record Nil() implements Reply {
    }

    record Array(List<Reply> items) implements Reply {
    }

    /** An error reply from Redis ("ERR …", "WRONGTYPE …"), or a refusal of one command inside a pipeline. */
    record Error(String message) implements Reply {
    }

    Nil NIL = new Nil();

    /** Converts what Redisson decoded with a byte-array codec: String status, byte[] bulk, Long, List, null. */
    static Reply from(Object value) {
        if (value == null) {
            return NIL;
        }
        if (value instanceof byte[] bytes) {
            return new Bulk(bytes);
        }
        if (value instanceof String text) {
            return new Status(text);
        }
        if (value instanceof Long || value instanceof Integer) {
            return new Int(((Number) value).longValue());
        }
        if (value instanceof Boolean b) {
            return new Int(b ? 1 : 0);
        }
        if (value instanceof Number n) {
            return new Bulk(n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (value instanceof List<?> list) {
            List<Reply> items = new ArrayList<>(list.size());
            for (Object item : list) {
                items.add(from(item));
            }
            return new Array(items);
        }
        if (value instanceof Map<?, ?> map) {
            List<Reply> items = new ArrayList<>(map.size() * 2);
            map.forEach((k, v) -> {
                items.add(from(k));
                items.add(from(v));
            });
            return new Array(items);
        }
        return new Bulk(value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
