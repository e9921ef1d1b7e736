package dev.tether.chat;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's slot of a room's key (CRC16/XMODEM of the key, or of its {@code {hash tag}}, modulo 16384), so the
 * feed can group rooms by slot: one XREAD may name keys of one slot only. The gateway has its own copy; chat may not
 * depend on the gateway.
 */
final class ChatSlots {

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

    private ChatSlots() {
    }

    static int of(String keyText) {
        byte[] key = keyText.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = key.length;
        int open = keyText.indexOf('{');
        if (open >= 0) {
            int close = keyText.indexOf('}', open + 1);
            if (close > open + 1) { // "{}" is no tag: the whole key counts
                byte[] tag = keyText.substring(open + 1, close).getBytes(StandardCharsets.UTF_8);
                key = tag;
                end = tag.length;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ key[i]) & 0xff]) & 0xffff;
        }
        return crc & 16383;
    }
}
