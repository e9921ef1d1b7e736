package dev.tether.keys;

import dev.tether.redis.Reply;
import dev.tether.support.Jsonp;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Redis strings as JSON strings: UTF-8 text as it is, or every string of a response in base64 when one of them is
 * not UTF-8 (or the client asked for base64); the response then says {@code "encoding":"base64"}.
 */
final class Texts {

    private final boolean base64;

    private Texts(boolean base64) {
        this.base64 = base64;
    }

    /** The encoding for a response holding {@code values}: base64 when asked or when one is not UTF-8. */
    static Texts forReply(boolean askedBase64, Reply... values) {
        if (askedBase64) {
            return new Texts(true);
        }
        for (Reply value : values) {
            if (!allUtf8(value)) {
                return new Texts(true);
            }
        }
        return new Texts(false);
    }

    boolean base64() {
        return base64;
    }

    String string(byte[] bytes) {
        return base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8);
    }

    String string(Reply reply) {
        return reply instanceof Reply.Bulk b ? string(b.bytes()) : KeyStore.text(reply);
    }

    void encodingField(JsonGenerator g) {
        if (base64) {
            g.write("encoding", "base64");
        }
    }

    static boolean utf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static boolean allUtf8(Reply reply) {
        if (reply instanceof Reply.Bulk b) {
            return utf8(b.bytes());
        }
        if (reply instanceof Reply.Array a) {
            for (Reply item : a.items()) {
                if (!allUtf8(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A score as a JSON number, or the strings "inf" / "-inf" that JSON cannot hold as numbers. */
    static void score(JsonGenerator g, String name, String score) {
        try {
            double d = Double.parseDouble(score);
            if (Double.isFinite(d)) {
                g.write(name, new java.math.BigDecimal(score));
                return;
            }
        } catch (NumberFormatException e) {
            // "inf", "-inf": Redis's spelling
        }
        g.write(name, score);
    }

    /** A JSON document written by {@code body}. */
    static byte[] json(Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Jsonp.GENERATORS.createGenerator(out)) {
            body.accept(g);
        }
        return out.toByteArray();
    }
}
