package dev.hoop.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code bin/hoop} as a user would: a child process with its own HOME, cache and
 * environment, output captured in files (no pipe can fill up and block the child).
 */
final class HoopProcess {
    /** What a finished command printed and returned. */
    record Result(int exit, String out, String err) {}

    private final Path root;
    private final Path work;
    private final Map<String, String> env;

    /**
     * @param root the repository (system property {@code hoop.home})
     * @param work a private folder: HOME, cache and output files go there
     */
    HoopProcess(Path root, Path work, Map<String, String> extraEnv) {
        this.root = root;
        this.work = work;
        Map<String, String> e = new HashMap<>(System.getenv());
        e.keySet().removeIf(k -> k.startsWith("HOOP_") || k.equals("POSTGRES_DB_URI") || k.startsWith("XDG_"));
        e.put("HOME", work.resolve("home").toString());
        // The reactor built dist/target/hoop.jar just before this module: never rebuild from a test.
        e.put("HOOP_NO_BUILD", "1");
        e.putAll(extraEnv);
        this.env = Map.copyOf(e);
    }

    Path hoop() {
        return root.resolve("bin/hoop");
    }

    /** Runs {@code hoop args…} to completion with {@code stdin} as input. */
    Result run(Map<String, String> moreEnv, String stdin, String... args) throws IOException, InterruptedException {
        Process p = start(moreEnv, "cmd", args);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hoop " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), read("cmd.out"), read("cmd.err"));
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), "", args);
    }

    /** Starts {@code hoop args…} in the background; its output goes to {@code <name>.out/.err} in the work folder. */
    Process start(Map<String, String> moreEnv, String name, String... args) throws IOException {
        return startProgram(hoop(), moreEnv, name, args);
    }

    /** Runs another program of the installation (e.g. {@code bin/hoopstart}) to completion, as {@link #run} does. */
    Result runProgram(Path program, Map<String, String> moreEnv, String stdin, String... args) throws IOException, InterruptedException {
        Process p = startProgram(program, moreEnv, "cmd", args);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(program + " " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), read("cmd.out"), read("cmd.err"));
    }

    /** Starts {@code program args…} in the background, with this environment, as {@link #start} does for bin/hoop. */
    Process startProgram(Path program, Map<String, String> moreEnv, String name, String... args) throws IOException {
        Files.createDirectories(work.resolve("home"));
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putAll(moreEnv);
        return pb.start();
    }

    /** The environment {@link #start} gives bin/hoop, plus {@code moreEnv} (for programs started another way, e.g. on a pty). */
    Map<String, String> environment(Map<String, String> moreEnv) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(moreEnv);
        return e;
    }

    Path work() {
        return work;
    }

    String read(String file) throws IOException {
        Path p = work.resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
