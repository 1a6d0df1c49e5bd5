package dev.hoop.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code psql} against a port, output captured through files (no pipe to fill up). */
final class Psql {
    record Result(int exit, String out, String err) {}

    private final Path work;

    Psql(Path work) {
        this.work = work;
    }

    /** {@code psql -At} with {@code args} (e.g. {@code -c SQL}) as user "anyone" (the tunnel accepts any). */
    Result run(int port, String database, String... args) throws IOException, InterruptedException {
        return runAs("anyone", port, database, args);
    }

    /** {@code psql -At} as {@code user}. */
    Result runAs(String user, int port, String database, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "psql", ".out");
        Path err = Files.createTempFile(work, "psql", ".err");
        List<String> cmd = new ArrayList<>(List.of("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", user,
                "-d", database, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PGPASSWORD", "any-password");
        pb.environment().put("PGCONNECT_TIMEOUT", "20");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("psql " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
