package dev.tether.gateway.webdis;

import dev.tether.gateway.Command;
import dev.tether.gateway.http.HttpError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses Webdis's request forms into a {@link WebdisRequest}: {@code /CMD/a/b[.ext]}, the same text as a POST
 * body, or a PUT whose body is the last argument (binary-safe). {@code /} separates arguments, {@code %2f} is a
 * slash inside one, {@code +} a space, {@code %XX} any byte; a leading all-digit segment is the database. Only the
 * extensions Webdis knows choose a format: {@code /GET/file.tar} reads the key {@code file.tar}, as in Webdis.
 */
final class WebdisRequests {

    private static final Pattern CALLBACK = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.]{0,127}");
    private static final Pattern MIME = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}");

    private WebdisRequests() {
    }

    /**
     * @param commandText the raw, still percent-encoded command text: the path after {@code /webdis}, or a POST body
     * @param rawQuery    the raw query string, or null
     * @param lastArg     a PUT body (the last argument), or null
     */
    static WebdisRequest parse(String commandText, String rawQuery, byte[] lastArg, int maxArgs) {
        String text = commandText.startsWith("/") ? commandText.substring(1) : commandText;
        if (text.endsWith("\n")) {
            text = text.strip(); // a POST body typed with a trailing newline
        }
        String type = null;
        WebdisFormat format = WebdisFormat.JSON;
        int slash = text.lastIndexOf('/');
        int dot = text.lastIndexOf('.');
        if (dot > slash) {
            String ext = text.substring(dot + 1);
            WebdisFormat known = WebdisFormat.forExtension(ext);
            if (known != null) {
                format = known;
                type = WebdisFormat.EXTENSIONS.get(ext);
                text = text.substring(0, dot);
            }
        }
        String jsonp = null;
        String sep = "";
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : new String(decode(pair.substring(eq + 1)), StandardCharsets.UTF_8);
                switch (name) {
                    case "jsonp", "callback" -> jsonp = callback(value);
                    case "sep" -> sep = value;
                    case "type" -> {
                        type = mime(value);
                        format = WebdisFormat.TEXT;
                    }
                    default -> {
                        // other parameters (a token, cache busters) are not arguments in Webdis
                    }
                }
            }
        }
        String[] segments = text.split("/", -1);
        if (segments.length > maxArgs + 2) {
            throw new HttpError(400, "too many arguments: at most " + maxArgs + " (tether.webdis.max-args)");
        }
        int first = 0;
        int db = -1;
        if (segments.length > 1 && isDatabase(segments[0])) {
            db = Integer.parseInt(segments[0]);
            first = 1;
        }
        if (segments[first].isEmpty()) {
            throw new HttpError(400, "empty command: use /webdis/GET/key, or POST the text GET/key to /webdis/");
        }
        String name = new String(decode(segments[first]), StandardCharsets.UTF_8);
        List<byte[]> args = new ArrayList<>(segments.length - first);
        for (int i = first + 1; i < segments.length; i++) {
            args.add(decode(segments[i]));
        }
        if (lastArg != null) {
            args.add(lastArg);
        }
        return new WebdisRequest(new Command(name, args), name, db, format, type, jsonp, sep);
    }

    private static boolean isDatabase(String segment) {
        if (segment.isEmpty() || segment.length() > 6) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (!Character.isDigit(segment.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String callback(String value) {
        if (!CALLBACK.matcher(value).matches()) {
            throw new HttpError(400, "invalid JSONP callback name: letters, digits, _ $ and . only");
        }
        return value;
    }

    private static String mime(String value) {
        if (!MIME.matcher(value).matches()) {
            throw new HttpError(400, "invalid ?type=: expected a media type such as text/plain");
        }
        return value;
    }

    /** Webdis's decoding: {@code +} is a space, {@code %XX} a byte; a {@code %} not followed by two hex digits is refused. */
    static byte[] decode(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%') {
                int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
                if (lo < 0) {
                    throw new HttpError(400, "invalid percent-escape at '" + s.substring(Math.min(i, s.length()),
                            Math.min(i + 3, s.length())) + "': use %XX with two hex digits (%25 for %)");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(b == '+' ? ' ' : b);
            }
        }
        return out.toByteArray();
    }
}
