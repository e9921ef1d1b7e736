package dev.tether.pubsub;

/**
 * A channel or a pattern, as a subscriber names it; {@code sharded}: a channel of sharded pub/sub (SSUBSCRIBE),
 * which lives on the master of its slot in a cluster.
 */
public record Topic(boolean pattern, String name, boolean sharded) {

    public Topic(boolean pattern, String name) {
        this(pattern, name, false);
    }

    public static Topic channel(String name) {
        return new Topic(false, name);
    }

    public static Topic pattern(String name) {
        return new Topic(true, name);
    }

    public static Topic shard(String name) {
        return new Topic(false, name, true);
    }
}
