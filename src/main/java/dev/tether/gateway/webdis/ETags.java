package dev.tether.gateway.webdis;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Webdis's ETag: the quoted MD5 hex digest of the response body. */
final class ETags {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    });

    private ETags() {
    }

    static String of(byte[] body) {
        byte[] digest = MD5.get().digest(body);
        char[] out = new char[digest.length * 2 + 2];
        out[0] = '"';
        for (int i = 0; i < digest.length; i++) {
            out[1 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 + 2 * i] = HEX[digest[i] & 0xf];
        }
        out[out.length - 1] = '"';
        return new String(out);
    }
}
