package dev.hoop.agent.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real psql binary (unaligned, tuples only, no psqlrc, never prompting for a password). */
final class Psql {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Psql() {
    }

    static Result run(int port, String user, String database, String... commands) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("psql", "-X", "-w", "-A", "-t", "-q",
                "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", user, "-d", database));
        for (String c : commands) {
            args.add("-c");
            args.add(c);
        }
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().remove("PGPASSWORD");
        pb.environment().put("PGCONNECT_TIMEOUT", "20");
        Path out = Files.createTempFile("psql", ".out");
        Path err = Files.createTempFile("psql", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("psql did not finish in 120 s: " + String.join(" ", commands));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
