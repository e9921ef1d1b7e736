package dev.tether.redis;

import java.util.List;

/**
 * Redis Cluster's key slots: CRC16 (XMODEM) of the key, or of its hash tag ({@code {…}}), modulo 16384. The gateway
 * routes commands by them; the chat feed groups its rooms by them.
 */
public final class Slots {

    public static final int COUNT = 16384;

    /** Redis's own text for keys of one command, or one transaction, in different slots. */
    public static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private Slots() {
    }

    public static int of(byte[] key) {
        int start = 0;
        int end = key.length;
        for (int open = 0; open < key.length; open++) {
            if (key[open] == '{') {
                for (int close = open + 1; close < key.length; close++) {
                    if (key[close] == '}') {
                        if (close > open + 1) { // "{}" is no tag: the whole key counts
                            start = open + 1;
                            end = close;
                        }
                        break;
                    }
                }
                break;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ key[i]) & 0xff]) & 0xffff;
        }
        return crc & (COUNT - 1);
    }

    /** The one slot of all {@code keys}, -1 for none, or -2 when they span several slots. */
    public static int common(List<byte[]> keys) {
        int slot = -1;
        for (byte[] key : keys) {
            int s = of(key);
            if (slot == -1) {
                slot = s;
            } else if (s != slot) {
                return -2;
            }
        }
        return slot;
    }
}
