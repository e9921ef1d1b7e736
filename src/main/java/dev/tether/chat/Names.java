package dev.tether.chat;

import java.util.regex.Pattern;

/** Validation of room and user names. */
final class Names {

    static final int MAX_NAME = 32;
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Names() {
    }

    static boolean validRoom(String room) {
        return room != null && ROOM.matcher(room).matches();
    }

    /** The trimmed name, or null when it is empty, longer than 32 code points or holds a non-printable character. */
    static String cleanName(String raw) {
        if (raw == null) {
            return null;
        }
        String name = raw.strip();
        int count = name.codePointCount(0, name.length());
        if (count < 1 || count > MAX_NAME) {
            return null;
        }
        boolean printable = name.codePoints().allMatch(cp -> switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        });
        return printable ? name : null;
    }

    /** {@code name} with a "-n" suffix (the base shortened to keep 32 code points). */
    static String withSuffix(String name, int n) {
        String suffix = "-" + n;
        int keep = MAX_NAME - suffix.length();
        if (name.codePointCount(0, name.length()) > keep) {
            name = name.substring(0, name.offsetByCodePoints(0, keep));
        }
        return name + suffix;
    }
}
