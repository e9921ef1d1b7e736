package dev.tether.redis;

import java.util.List;

/**
 * A Redis reply exactly as Redis sent it, at any depth: a nil bulk string, a nil array and an empty array stay
 * three different things. Dialects turn it into their JSON.
 */
public sealed interface Reply {

    record Status(String text) implements Reply {
    }

    record Bulk(byte[] bytes) implements Reply {
    }

    record Int(long value) implements Reply {
    }

    /** A nil bulk string ({@code $-1}) or, with {@code array}, a nil array ({@code *-1}). */
    record Nil(boolean array) implements Reply {
    }

    record Array(List<Reply> items) implements Reply {
    }

    /** An error reply from Redis ("ERR …", "WRONGTYPE …"), or a refusal of one command inside a pipeline. */
    record Error(String message) implements Reply {
    }

    Nil NIL = new Nil(false);
    Nil NIL_ARRAY = new Nil(true);
}
