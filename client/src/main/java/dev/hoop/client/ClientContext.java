package dev.hoop.client;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI commands take from the process: the environment, the home folder (for
 * {@code ~/.hoop/config.toml}), standard input and whether a person sits at a terminal. Tests build
 * their own instead of touching the real process.
 *
 * @param env         environment variables (HOOP_APIURL, HOOP_TOKEN, ...)
 * @param home        the user's home folder
 * @param stdin       standard input (passwords with {@code --email} / {@code --password-stdin})
 * @param interactive true when stdin and stdout are a terminal, so prompts make sense
 */
public record ClientContext(Map<String, String> env, Path home, InputStream stdin, boolean interactive) {

    public ClientContext {
        env = Map.copyOf(env);
    }

    /** The real process. {@code $HOME} wins over the JVM's idea of home (which comes from /etc/passwd). */
    public static ClientContext system() {
        String home = System.getenv("HOME");
        Path homePath = Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
        return new ClientContext(System.getenv(), homePath, System.in, isTerminal());
    }

    /** One line of standard input without its line end, or null at end of input. */
    public String readStdinLine() {
        try {
            // A command reads at most one line (a password), so a reader per call is fine.
            BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading standard input", e);
        }
    }

    // Console.isTerminal() exists from JDK 22; on 22+ System.console() is non-null even when
    // redirected, so ask isTerminal() when the running JDK has it.
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
