package dev.tether.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** One Redis command: its upper-case name and its raw arguments (RESP is binary-safe, so arguments are bytes). */
public record Command(String name, List<byte[]> args) {

    public Command {
        name = name.toUpperCase(Locale.ROOT);
        args = List.copyOf(args);
    }

    public static Command of(String name, String... args) {
        return new Command(name, java.util.Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** The argument at {@code index} as text, upper-cased, or "" when absent (for option and subcommand names). */
    public String word(int index) {
        return index < args.size() ? new String(args.get(index), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) : "";
    }

    public String text(int index) {
        return new String(args.get(index), StandardCharsets.UTF_8);
    }

    public Command withArg(int index, String value) {
        var copy = new java.util.ArrayList<>(args);
        copy.set(index, value.getBytes(StandardCharsets.UTF_8));
        return new Command(name, copy);
    }

    Object[] params() {
        return args.toArray();
    }
}
