package dev.tether.pubsub;

/** The transport side of a {@link Subscription}: drains its queue with the transport's own writer. */
public interface StreamSink {

    /** Events were queued. Called from any thread, Redisson's included: only schedule the write here. */
    void wake();

    /** The stream must end now, even with events unsent (its client stopped reading the final event). */
    void abort();
}
