package dev.tether.pubsub;

import java.util.List;

/**
 * How a transport's dialect encodes the events of a stream. Called once per message and format, on Redisson's
 * thread: the bytes are shared by every subscriber of that topic with the same format, so they must not change.
 */
public interface EventFormat {

    /** The confirmation of one topic; {@code count} is how many topics this stream holds so far (as Redis counts). */
    byte[] subscribed(Topic topic, int count);

    byte[] message(String channel, byte[] payload);

    byte[] patternMessage(String pattern, String channel, byte[] payload);

    /** Information a client may ignore (Redis lost, resubscribed); may be empty for formats without comments. */
    byte[] notice(String text);

    /** Sent when nothing else was sent for the keep-alive interval. */
    byte[] keepAlive();

    /** The last event of a stream the server ends, saying why. */
    byte[] closing(List<Topic> topics, String reason);
}
