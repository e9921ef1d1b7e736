package dev.tether.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.redisson.client.handler.CommandDecoder;
import org.redisson.client.handler.State;
import org.redisson.client.protocol.CommandData;
import org.redisson.client.protocol.RedisCommand;

/**
 * Decodes the replies of Tether's own commands ({@link Raw}) straight from the RESP bytes into {@link Reply}.
 * Redisson turns a nil array into an empty list at any depth before any decoder of ours could see it (GEOPOS with
 * a missing member answered {@code [[]]} instead of {@code [null]}), so this decoder takes over Redisson's for
 * these commands only: Redisson's own commands and error replies (its exception types) still go through Redisson.
 */
final class RespReplies extends CommandDecoder {

    /** A command whose reply is decoded here. */
    static class Raw extends RedisCommand<Reply> {
        Raw(String upperName) {
            super(upperName);
        }
    }

    /**
     * A command of a cluster pipeline: a MOVED or ASK reply is a value here ({@link Reply.Error}), not Redisson's
     * exception. Redisson answers those by re-sending every command of the batch that did not succeed, with one
     * ASKING in front of them all: commands whose error replies were real ran again, and a batch mixing ASK with
     * another error went back and forth between the two nodes until it timed out. The caller re-sends just the
     * redirected commands, one by one (the node that redirected did not run them).
     */
    static final class Piped extends Raw {
        Piped(String upperName) {
            super(upperName);
        }
    }

    /** Installed by {@link RedissonConfig} on every connection Redisson opens (pub/sub connections keep theirs). */
    static void install(Channel channel) {
        ChannelHandler current = channel.pipeline().get(CommandDecoder.class);
        if (current != null && current.getClass() == CommandDecoder.class) {
            channel.pipeline().replace(current, null, new RespReplies(scheme(current)));
        }
    }

    private RespReplies(String scheme) {
        super(scheme);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    protected void decode(ByteBuf in, CommandData<Object, Object> data, List<Object> parts, Channel channel,
                          boolean skipConvertor, List<CommandData<?, ?>> commandsData, long size, State state)
            throws IOException {
        // a reply of ours that is not an error, or a pipeline's redirect: read it whole (the replaying buffer
        // restarts here until it is)
        RedisCommand<?> command = data == null ? null : ((CommandData<?, ?>) data).getCommand();
        if (parts == null && command instanceof Raw
                && (in.getByte(in.readerIndex()) != '-' || command instanceof Piped && redirect(in))) {
            Reply reply = read(in);
            ((CommandData) data).getPromise().complete(reply);
            return;
        }
        super.decode(in, data, parts, channel, skipConvertor, commandsData, size, state);
    }

    /** Whether the error reply at the reader index is MOVED or ASK. */
    private static boolean redirect(ByteBuf in) {
        int at = in.readerIndex() + 1;
        return startsWith(in, at, "MOVED ") || startsWith(in, at, "ASK ");
    }

    private static boolean startsWith(ByteBuf in, int at, String word) {
        for (int i = 0; i < word.length(); i++) {
            if (in.getByte(at + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One RESP2 (or RESP3) value. */
    static Reply read(ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case '+':
                return new Reply.Status(line(in));
            case '-':
                return new Reply.Error(line(in));
            case ':':
                return new Reply.Int(number(in));
            case '$':
            case '=': {
                long n = number(in);
                if (n < 0) {
                    return Reply.NIL;
                }
                byte[] bytes = new byte[(int) n];
                in.readBytes(bytes);
                in.skipBytes(2);
                return new Reply.Bulk(bytes);
            }
            case '*':
            case '~':
            case '>':
            case '%': {
                long n = number(in);
                if (n < 0) {
                    return Reply.NIL_ARRAY;
                }
                long count = type == '%' ? n * 2 : n; // RESP3 maps become flat key/value arrays, as in RESP2
                List<Reply> items = new ArrayList<>((int) Math.min(count, 1024));
                for (long i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return new Reply.Array(items);
            }
            case '_':
                line(in);
                return Reply.NIL;
            case '#':
                return new Reply.Int(line(in).equals("t") ? 1 : 0);
            case ',':
            case '(':
                return new Reply.Bulk(line(in).getBytes(StandardCharsets.US_ASCII));
            default:
                throw new IllegalStateException("unexpected RESP type byte " + type);
        }
    }

    private static String line(ByteBuf in) {
        int length = in.bytesBefore((byte) '\r');
        String text = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length + 2);
        return text;
    }

    private static long number(ByteBuf in) {
        int length = in.bytesBefore((byte) '\r');
        long value = 0;
        boolean negative = false;
        for (int i = 0; i < length; i++) {
            byte b = in.readByte();
            if (b == '-') {
                negative = true;
            } else {
                value = value * 10 + (b - '0');
            }
        }
        in.skipBytes(2);
        return negative ? -value : value;
    }

    private static String scheme(ChannelHandler decoder) {
        try {
            Field field = CommandDecoder.class.getDeclaredField("scheme");
            field.setAccessible(true);
            return (String) field.get(decoder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "redis"; // only used to build redirect addresses in a cluster
        }
    }
}
