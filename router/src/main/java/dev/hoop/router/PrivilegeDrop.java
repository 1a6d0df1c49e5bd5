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
