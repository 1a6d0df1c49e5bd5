package dev.hoop.router;

import dev.hoop.common.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hipache's "start as root, bind, drop to {@code user}/{@code group}". The JVM cannot change its
 * uid, so the root process re-executes itself through {@code setpriv} as the target user, keeping
 * {@code CAP_NET_BIND_SERVICE} as an ambient capability so that the unprivileged router can still
 * bind ports below 1024; the root parent only waits and passes the exit code on.
 */
final class PrivilegeDrop {
    static final String MARKER = "HOOP_ROUTER_PRIVILEGES_DROPPED";

    private PrivilegeDrop() {}

    static boolean runningAsRoot() {
        try {
            Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Whether this process must re-exec as {@code user}: root, a non-root user, and not done yet. */
    static boolean needed(String user) {
        return runningAsRoot() && user != null && !user.equals("root") && !user.equals("0")
                && System.getenv(MARKER) == null;
    }

    /** This process' command line, from /proc (ProcessHandle truncates long class paths). */
    private static List<String> commandLine() throws IOException {
        Path cmdline = Path.of("/proc/self/cmdline");
        if (Files.isReadable(cmdline)) {
            String raw = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
            List<String> parts = new ArrayList<>(List.of(raw.split("\0")));
            if (!parts.isEmpty()) {
                parts.set(0, ProcessHandle.current().info().command().orElse(parts.getFirst()));
                return parts;
            }
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> java = info.command();
        Optional<String[]> args = info.arguments();
        if (java.isEmpty() || args.isEmpty()) {
            throw new ConfigException("user: cannot drop privileges: this platform does not expose the command line "
                    + "to re-execute (start the router as the target user, with CAP_NET_BIND_SERVICE for ports < 1024)");
        }
        List<String> out = new ArrayList<>(List.of(java.get()));
        out.addAll(List.of(args.get()));
        return out;
    }

    /**
     * Fails before dropping root when {@code user} could not write the access log afterwards (a
     * root-owned {@code /var/log/…} folder): the router would otherwise start and fail as that user
     * with a bare "permission denied". The check runs as the user ({@code setpriv … test -w}): the
     * file must be writable, or, when absent, its folder. A missing folder is created for the user.
     *
     * @throws ConfigException naming the user, the path and what to change
     */
    static void checkWritable(String user, String group, String accessLog) throws IOException, InterruptedException {
        if (accessLog == null || accessLog.isBlank()) {
            return;
        }
        Path file = Path.of(accessLog).toAbsolutePath();
        Path dir = file.getParent();
        String g = group == null || group.isBlank() ? user : group;
        if (dir != null && !Files.exists(dir)) {
            Files.createDirectories(dir);
            run(List.of("chown", user + ":" + g, dir.toString()));
        }
        String test = "if [ -e \"$1\" ]; then [ -f \"$1\" ] && [ -w \"$1\" ]; else [ -d \"$2\" ] && [ -w \"$2\" ] && [ -x \"$2\" ]; fi";
        int code = run(List.of("setpriv", "--reuid=" + user, "--regid=" + g, "--init-groups", "--",
                "sh", "-c", test, "sh", file.toString(), dir == null ? "/" : dir.toString()));
        if (code != 0) {
            throw new ConfigException("server.accessLog: user '" + user + "' (whom the router runs as after dropping root) cannot "
                    + (Files.exists(file) ? "write " + file : "create " + file + " in " + dir)
                    + ": make " + (Files.exists(file) ? "the file" : "the folder") + " writable by that user (e.g. chown " + user + " "
                    + (Files.exists(file) ? file : dir) + "), or set server.accessLog to a path it can write");
        }
    }

    private static int run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.getFirst() + " did not finish within 10 s");
        }
        return p.exitValue();
    }

    /** Runs this same command as {@code user}/{@code group} and returns its exit code. */
    static int reexec(String user, String group) throws IOException, InterruptedException {
        List<String> self = commandLine();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user,
                "--regid=" + (group == null || group.isBlank() ? user : group), "--init-groups",
                "--inh-caps=+net_bind_service", "--ambient-caps=+net_bind_service", "--"));
        cmd.addAll(self);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(MARKER, "1");
        Process child = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
        return child.waitFor();
    }
}
