package dev.hoop.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The token signing key when {@code JWT_SECRET_KEY} is unset: 32 random bytes generated once into
 * {@code <data dir>/jwt-secret.key} (mode 600, hex) and read back at each start, so that tokens
 * survive restarts.
 */
public final class SecretKeyFile {
    public static final String FILE_NAME = "jwt-secret.key";

    private SecretKeyFile() {}

    /** The configured key's bytes, or the data directory's generated key. */
    public static byte[] resolve(String configured, Path dataDir) {
        if (configured != null) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another gateway on the same data dir wrote it first: use theirs
                }
            }
            String hex = Files.readString(file).trim();
            if (hex.length() < 64) {
                throw new IllegalStateException(file + ": " + hex.length() + " hex characters (expected: 64; delete the file to generate a new key)");
            }
            return hex.getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("reading or creating the token key " + file + " (set JWT_SECRET_KEY or HOOP_DATA_DIR)", e);
        }
    }
}
