package dev.hoop.client.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.ClientContext;
import dev.hoop.client.api.ApiException;
import dev.hoop.client.api.BearerToken;
import dev.hoop.client.api.HoopApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The signed-in user's token for a command: from {@code HOOP_TOKEN} or from {@code config.toml}.
 * A saved token that has expired (or is about to, by the expiry saved at login) or that the gateway
 * refuses is renewed with the login's refresh token ({@code POST /api/localauth/refresh}) and the new
 * pair is saved (atomically, mode 0600), so a daily login is not needed. A refresh token works once:
 * two commands renewing together take a lock on {@code config.toml.lock}, and the second one uses the
 * token the first saved. A token from {@code HOOP_TOKEN} is never renewed (it is not the login's).
 */
public final class SavedToken implements BearerToken {
    /** Renew this long before the saved expiry: a command should not start with a token about to lapse. */
    static final Duration EARLY = Duration.ofSeconds(60);

    private final ConfigStore store;
    private final boolean fromEnv;
    private final Clock clock;
    private ClientConfig config;
    private String renewFailure;

    SavedToken(ConfigStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.fromEnv = store.tokenFromEnv();
        this.config = store.load();
    }

    /**
     * The token in effect for a command.
     *
     * @throws IllegalStateException when nobody is signed in, with what to do
     */
    public static SavedToken of(ClientContext ctx) {
        SavedToken t = new SavedToken(ConfigStore.of(ctx), Clock.systemUTC());
        if (t.config.token() == null) {
            throw new IllegalStateException("not logged in: run 'hoop login' (or set HOOP_TOKEN)");
        }
        return t;
    }

    /** The settings in effect (addresses, CA); the token in it may be older than {@link #value()}. */
    public synchronized ClientConfig config() {
        return config;
    }

    /** The token to send: renewed first when the saved expiry has passed or is within {@link #EARLY}. */
    @Override
    public synchronized String value() {
        Instant expires = config.expiresAt();
        if (!fromEnv && config.refreshToken() != null && expires != null && !clock.instant().plus(EARLY).isBefore(expires)) {
            String renewed = renew(config.token());
            if (renewed != null) {
                return renewed;
            }
        }
        return config.token();
    }

    @Override
    public synchronized String renew(String rejected) {
        if (fromEnv || config.refreshToken() == null) {
            return null;
        }
        synchronized (IN_PROCESS) {
            return renewLocked(rejected);
        }
    }

    // FileLock is per process (a second lock from the same JVM throws): threads queue here first.
    private static final Object IN_PROCESS = new Object();

    private String renewLocked(String rejected) {
        Path lockFile = store.file().resolveSibling(store.file().getFileName() + ".lock");
        try {
            Files.createDirectories(lockFile.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + lockFile.getParent() + ": " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock ignored = ch.lock()) {
            ClientConfig onDisk = store.loadFile();
            if (onDisk.token() != null && !onDisk.token().equals(rejected)) {
                // another hoop command renewed it (or the user logged in again) while we waited
                config = config.withTokens(onDisk.token(), onDisk.refreshToken(), onDisk.expiresAt());
                return config.token();
            }
            JsonNode answer;
            try {
                answer = new HoopApi(config.effectiveApiUrl(), (String) null, config.tlsCa())
                        .post("/api/localauth/refresh", Map.of("refresh_token", config.refreshToken()));
            } catch (ApiException e) {
                renewFailure = e.status() == 401 ? "the refresh token was refused (used, expired or revoked)" : e.getMessage();
                // a refresh token that failed once will not work again: forget it
                store.save(onDisk.withTokens(onDisk.token(), null, onDisk.expiresAt()));
                config = config.withTokens(config.token(), null, config.expiresAt());
                return null;
            }
            String token = text(answer, "token");
            if (token == null) {
                renewFailure = "the gateway's refresh answer had no token";
                return null;
            }
            config = config.withTokens(token, text(answer, "refresh_token"), instant(text(answer, "expires_at")));
            store.save(onDisk.withTokens(config.token(), config.refreshToken(), config.expiresAt()));
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile + " to renew the token: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized String refused(String reason) {
        String which = fromEnv ? "the token from HOOP_TOKEN" : "the token saved in " + store.file();
        if (!BearerToken.generic(reason)) {
            return "the gateway refused " + which + ": " + reason; // a specific reason, e.g. a disabled user
        }
        if (fromEnv) {
            return "the gateway refused " + which + " (expired or invalid): set HOOP_TOKEN to a valid token, "
                    + "or unset it to use the one 'hoop login' saves";
        }
        return "the gateway refused " + which + " (expired or invalid"
                + (renewFailure == null ? "" : "; renewing it failed: " + renewFailure) + "): run 'hoop login'";
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) && !node.get(field).asText().isBlank() ? node.get(field).asText() : null;
    }

    /** The gateway's {@code expires_at}; null when absent or not a time (then only a refusal renews). */
    public static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                // Jackson's numeric form: seconds since the epoch, with a fraction
                java.math.BigDecimal seconds = new java.math.BigDecimal(value);
                return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).intValue());
            } catch (NumberFormatException | ArithmeticException notNumeric) {
                return null;
            }
        }
    }
}
