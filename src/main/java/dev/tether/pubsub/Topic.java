package dev.tether.pubsub;

/** A channel or a pattern, as a subscriber names it. */
public record Topic(boolean pattern, String name) {

    public static Topic channel(String name) {
        return new Topic(false, name);
    }

    public static Topic pattern(String name) {
        return new Topic(true, name);
    }
}
