package dev.tether.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a test script under src/test/js/&lt;folder&gt; (npm ci first when its node_modules is missing), bounded in time. */
public final class NodeScript {

    public record Result(int exitCode, String output) {
    }

    private NodeScript() {
    }

    public static Path folder(String name) {
        return Path.of(System.getProperty("tether.basedir", "."), "src/test/js", name);
    }

    /** {@code npm ci} in the folder unless its node_modules holds {@code module}. */
    public static void install(Path folder, String module) throws IOException, InterruptedException {
        if (!Files.isDirectory(folder.resolve("node_modules").resolve(module))) {
            Result ci = run(folder, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 180);
            if (ci.exitCode() != 0) {
                throw new IllegalStateException("npm ci failed in " + folder + ":\n" + ci.output());
            }
        }
    }

    public static Result run(Path folder, List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        File log = Files.createTempFile("node-script", ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command + "\n"
                        + Files.readString(log.toPath()));
            }
            return new Result(process.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }
}
