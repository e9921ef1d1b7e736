package dev.tether.gateway;

import dev.tether.redis.Slots;
import java.math.BigInteger;

/**
 * One opaque SCAN cursor over every master of a cluster: the node's own cursor times 16384, plus the lowest slot
 * the node serves (so the cursor names its node without relying on a list order). "0" starts with the master of
 * slot 0 and ends the scan, as Redis's own cursor does; it stays a decimal number, as clients expect.
 */
record ScanCursor(BigInteger nodeCursor, int slot) {

    private static final BigInteger SLOTS = BigInteger.valueOf(Slots.COUNT);

    static final ScanCursor START = new ScanCursor(BigInteger.ZERO, 0);

    /** Null for text that is not a cursor (Redis answers "ERR invalid cursor"). */
    static ScanCursor parse(String text) {
        BigInteger value;
        try {
            value = new BigInteger(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (value.signum() < 0) {
            return null;
        }
        BigInteger[] parts = value.divideAndRemainder(SLOTS);
        return new ScanCursor(parts[0], parts[1].intValue());
    }

    String text() {
        return nodeCursor.multiply(SLOTS).add(BigInteger.valueOf(slot)).toString();
    }
}
