package dev.hoop.common.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, validated reads of environment variables. Every rejection names the variable, the value
 * (unless it is secret) and what was expected, e.g. {@code LOG_LEVEL: 'loud' (expected: one of debug, info, warn, error)}.
 * Built over a map so that tests pass their own environment.
 */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /** The trimmed value, or null when unset or blank. */
    public String raw(String name) {
        String v = vars.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        return v.trim();
    }

    public String string(String name, String defaultValue) {
        String v = raw(name);
        return v == null ? defaultValue : v;
    }

    public String required(String name, String what) {
        String v = raw(name);
        if (v == null) {
            throw new ConfigException(name + ": not set (expected: " + what + ")");
        }
        return v;
    }

    /** One of {@code allowed}, compared case-insensitively, returned in lower case. */
    public String oneOf(String name, String defaultValue, Set<String> allowed) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw new ConfigException(name + ": '" + v + "' (expected: one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
        return lower;
    }

    /** "1", "true", "yes", "on" are true; "0", "false", "no", "off" false. */
    public boolean bool(String name, boolean defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new ConfigException(name + ": '" + v + "' (expected: true or false, 1 or 0)");
        };
    }

    public int port(String name, int defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigException(name + ": '" + v + "' (expected: a port number from 0 to 65535)");
    }

    public Path path(String name, Path defaultValue) {
        String v = raw(name);
        return v == null ? defaultValue : Path.of(v);
    }

    /** Parses with {@code parser}; its IllegalArgumentException message is prefixed with the variable's name. */
    public <T> T parsed(String name, T defaultValue, Function<String, T> parser) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": " + e.getMessage(), e);
        }
    }
}
