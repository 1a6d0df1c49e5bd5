package dev.hoop.client.config;

import dev.hoop.client.tls.TlsCa;
import dev.hoop.client.ClientContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * Reads and writes {@code $HOME/.hoop/config.toml} (keys {@code api_url}, {@code grpc_url},
 * {@code token}, {@code tls_ca}, and the login's {@code refresh_token} and {@code token_expires_at}), always with mode 0600 because it holds the token, and applies the
 * environment overrides {@code HOOP_APIURL}, {@code HOOP_GRPCURL}, {@code HOOP_TOKEN},
 * {@code HOOP_TLSCA} on top of it.
 */
public final class ConfigStore {
    static final Map<String, String> ENV_OVERRIDES = Map.of(
            "api_url", "HOOP_APIURL", "grpc_url", "HOOP_GRPCURL", "token", "HOOP_TOKEN", "tls_ca", "HOOP_TLSCA");

    private final Path file;
    private final Map<String, String> env;

    public ConfigStore(Path file, Map<String, String> env) {
        this.file = file;
        this.env = Map.copyOf(env);
    }

    public static ConfigStore of(ClientContext ctx) {
        return new ConfigStore(ctx.home().resolve(".hoop").resolve("config.toml"), ctx.env());
    }

    public Path file() {
        return file;
    }

    /** The file's content alone (no environment), or an empty config when there is no file. */
    public ClientConfig loadFile() {
        if (!Files.exists(file)) {
            return ClientConfig.empty();
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (toml.hasErrors()) {
            throw new IllegalStateException(file + ": not valid TOML (" + toml.errors().get(0)
                    + "); fix it or run 'hoop config clear'");
        }
        return new ClientConfig(string(toml, "api_url"), string(toml, "grpc_url"), string(toml, "token"), string(toml, "tls_ca"),
                string(toml, "refresh_token"), instant(toml, "token_expires_at"));
    }

    /** The file with the environment overrides applied: what commands use. */
    public ClientConfig load() {
        ClientConfig f = loadFile();
        boolean envToken = tokenFromEnv();
        // A token from HOOP_TOKEN is not the login's: the saved refresh token does not belong to it.
        return new ClientConfig(
                override("api_url", f.apiUrl()), override("grpc_url", f.grpcUrl()),
                override("token", f.token()), tlsCaOverride(f.tlsCa()),
                envToken ? null : f.refreshToken(), envToken ? null : f.expiresAt());
    }

    /** Whether the token in effect comes from {@code HOOP_TOKEN} rather than the file. */
    public boolean tokenFromEnv() {
        return envValue("HOOP_TOKEN") != null;
    }

    /** Writes the file atomically with mode 0600 (the folder 0700). */
    public void save(ClientConfig config) {
        StringBuilder out = new StringBuilder("# hoop CLI configuration (written by hoop config create / hoop login)\n");
        append(out, "api_url", config.apiUrl());
        append(out, "grpc_url", config.grpcUrl());
        append(out, "token", config.token());
        append(out, "tls_ca", config.tlsCa());
        append(out, "refresh_token", config.refreshToken());
        append(out, "token_expires_at", config.expiresAt() == null ? null : config.expiresAt().toString());
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another hoop command is writing " + file, e);
            }
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the file; true when there was one. */
    public boolean clear() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    /** Which keys the environment currently overrides, e.g. {@code [token (HOOP_TOKEN)]}. */
    public List<String> overriddenKeys() {
        List<String> keys = new ArrayList<>();
        for (String key : List.of("api_url", "grpc_url", "token", "tls_ca")) {
            if (envValue(ENV_OVERRIDES.get(key)) != null) {
                keys.add(key + " (" + ENV_OVERRIDES.get(key) + ")");
            }
        }
        return keys;
    }

    private String override(String key, String fileValue) {
        String v = envValue(ENV_OVERRIDES.get(key));
        return v != null ? v : fileValue;
    }

    // HOOP_TLSCA holds the PEM itself or the path of a PEM file.
    private String tlsCaOverride(String fileValue) {
        String v = envValue("HOOP_TLSCA");
        if (v == null) {
            return fileValue;
        }
        return TlsCa.pemFromValue("HOOP_TLSCA", v);
    }

    private String envValue(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String string(TomlParseResult toml, String key) {
        if (!toml.contains(key)) {
            return null;
        }
        if (!toml.isString(key)) {
            throw new IllegalStateException("config.toml: " + key + " is not a string; fix it or run 'hoop config clear'");
        }
        String v = toml.getString(key);
        return v == null || v.isBlank() ? null : v;
    }

    private static java.time.Instant instant(TomlParseResult toml, String key) {
        String v = string(toml, key);
        if (v == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("config.toml: " + key + " = '" + v + "' is not a time (expected e.g. 2026-01-31T12:00:00Z); "
                    + "remove the line or run 'hoop login'");
        }
    }

    private static void append(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(key).append(" = ").append(quote(value)).append('\n');
        }
    }

    /** A TOML basic string: quotes, backslashes and control characters escaped. */
    static String quote(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        q.append(String.format("\\u%04X", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
