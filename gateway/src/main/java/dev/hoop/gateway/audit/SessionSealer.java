package dev.hoop.gateway.audit;

import dev.hoop.common.config.ConfigException;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.SessionSeals.Seal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Makes recordings tamper-evident: when a session's events are flushed, the gateway hashes each
 * event (SHA-256 over the session id, its position, offset, type, client connection and bytes), hashes those hashes
 * into one digest, and signs the digest with its Ed25519 key (the JDK's own). {@link #verify}
 * recomputes everything from the stored events and names the first thing that differs.
 *
 * <p>The key is {@code AUDIT_SIGNING_KEY} (base64 PKCS#8) or one generated once into
 * {@code <data dir>/audit-signing.key} (mode 600). Whoever can write the database but not read
 * that key cannot forge a seal: a changed, removed or added event, or a changed seal, fails.
 */
public final class SessionSealer {
    public static final String FILE_NAME = "audit-signing.key";
    private static final byte[] EVENT_CONTEXT = "hoop-session-event-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION_CONTEXT = "hoop-session-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int HASH = 32;

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    SessionSealer(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The configured key, else the data folder's (generated when absent).
     *
     * @throws ConfigException naming AUDIT_SIGNING_KEY when it is not a base64 Ed25519 PKCS#8 key
     */
    public static SessionSealer load(String configured, Path dataDir) {
        if (configured != null) {
            return fromPkcs8(decode(configured.strip()), "AUDIT_SIGNING_KEY");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] generated = generate().privateKey.getEncoded();
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(generated) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another gateway on the same data folder wrote it first: use theirs
                }
            }
            return fromPkcs8(decode(Files.readString(file).strip()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading or creating the audit signing key " + file + " (set AUDIT_SIGNING_KEY or HOOP_DATA_DIR)", e);
        }
    }

    /** A fresh key (tests, and the first start). */
    static SessionSealer generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new SessionSealer(pair.getPrivate(), pair.getPublic());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("AUDIT_SIGNING_KEY: not base64 (expected: a base64 PKCS#8 Ed25519 private key, "
                    + "e.g. `openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`)", e);
        }
    }

    static SessionSealer fromPkcs8(byte[] pkcs8, String where) {
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
            return new SessionSealer(key, publicKeyOf(seed));
        } catch (GeneralSecurityException | ClassCastException | java.util.NoSuchElementException e) {
            throw new ConfigException(where + ": not an Ed25519 private key in PKCS#8 (" + e.getClass().getSimpleName()
                    + "; expected: base64 of `openssl genpkey -algorithm ed25519 -outform DER`)", e);
        }
    }

    /**
     * The JDK has no call that derives an Ed25519 public key from the private one; its key pair
     * generator takes the private key's 32 bytes from the random source, so one that yields
     * exactly those bytes gives the pair back.
     */
    private static PublicKey publicKeyOf(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        });
        KeyPair pair = generator.generateKeyPair();
        if (!Arrays.equals(((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow(), seed)) {
            throw new GeneralSecurityException("could not derive the public key");
        }
        return pair.getPublic();
    }

    /** The public key, X.509 (SubjectPublicKeyInfo) DER. */
    public byte[] publicKey() {
        return publicKey.getEncoded();
    }

    /** The public key as PEM, for {@code openssl pkeyutl -verify}. */
    public String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(publicKey())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A short name for a public key: the first 16 hex digits of its SHA-256. */
    public static String fingerprint(byte[] publicKey) {
        return HexFormat.of().formatHex(sha256().digest(publicKey), 0, 8);
    }

    /** Hashes and signs a session's events, as stored (event {@code k} at seq {@code k}). */
    public Seal seal(UUID sessionId, List<AuditEvent> events) {
        byte[] hashes = hashes(sessionId, events);
        byte[] digest = digest(sessionId, events.size(), hashes);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(digest);
            return new Seal(events.size(), hashes, digest, s.sign(), publicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("audit: cannot sign session " + sessionId, e);
        }
    }

    /**
     * {@code events} with a seal: stores the events, then their seal. A failure of either keeps the
     * write-ahead file, and the next flush stores and seals both again.
     */
    public AuditStore sealing(AuditStore events, java.util.function.BiConsumer<UUID, Seal> seals) {
        return (sessionId, recorded) -> {
            events.store(sessionId, recorded);
            seals.accept(sessionId, seal(sessionId, recorded));
        };
    }

    /** What a verification found: {@code valid} when {@code problems} is empty. */
    public record Verification(UUID sessionId, boolean valid, long events, String digest, String signedBy, List<String> problems) {}

    /**
     * Checks the stored events against their seal, with this gateway's key: the signature, the
     * seal's own hashes, then each event; every problem is named (the first changed event, events
     * missing or added, a seal signed by another key).
     */
    public Verification verify(UUID sessionId, List<AuditEvent> events, Optional<Seal> stored) {
        if (stored.isEmpty()) {
            return new Verification(sessionId, false, events.size(), null, null, List.of(
                    "the session has no seal: its events were not flushed by a signing gateway (still open, recorded before "
                            + "signing existed, or the seal was deleted)"));
        }
        Seal seal = stored.get();
        List<String> problems = new ArrayList<>();
        if (!Arrays.equals(seal.publicKey(), publicKey())) {
            problems.add("sealed with another key (fingerprint " + fingerprint(seal.publicKey()) + "; this gateway's key is "
                    + fingerprint(publicKey()) + ")");
        }
        if (!signatureValid(seal.digest(), seal.signature())) {
            problems.add("the signature does not match the sealed digest with this gateway's key (the seal was changed or forged)");
        }
        if (seal.eventHashes().length != seal.eventCount() * HASH
                || !Arrays.equals(digest(sessionId, seal.eventCount(), seal.eventHashes()), seal.digest())) {
            problems.add("the seal's event hashes do not give its digest (the seal was changed)");
        }
        byte[] now = hashes(sessionId, events);
        long sealed = seal.eventHashes().length / HASH;
        long common = Math.min(sealed, events.size());
        for (int k = 0; k < common; k++) {
            if (!Arrays.equals(seal.eventHashes(), k * HASH, (k + 1) * HASH, now, k * HASH, (k + 1) * HASH)) {
                AuditEvent e = events.get(k);
                problems.add("event " + k + " (type " + e.type() + " at +" + e.offsetMillis() + " ms, " + e.data().length
                        + " bytes) differs from what was sealed: sha256 " + hex(seal.eventHashes(), k) + " sealed, " + hex(now, k) + " now");
                break; // the first is what matters; the rest may all follow from it
            }
        }
        if (events.size() < sealed) {
            problems.add((sealed - events.size()) + " event(s) missing: " + sealed + " sealed, " + events.size() + " stored (from event "
                    + events.size() + " on)");
        } else if (events.size() > sealed) {
            problems.add((events.size() - sealed) + " event(s) added: " + sealed + " sealed, " + events.size() + " stored (from event "
                    + sealed + " on)");
        }
        return new Verification(sessionId, problems.isEmpty(), events.size(), HexFormat.of().formatHex(seal.digest()),
                fingerprint(seal.publicKey()), List.copyOf(problems));
    }

    private boolean signatureValid(byte[] digest, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKey())));
            s.update(digest);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a malformed signature is a failed one
        }
    }

    private static String hex(byte[] hashes, int k) {
        return HexFormat.of().formatHex(hashes, k * HASH, (k + 1) * HASH);
    }

    /** SHA-256 of each event (its client connection included), bound to the session and the event's position. */
    static byte[] hashes(UUID sessionId, List<AuditEvent> events) {
        MessageDigest sha = sha256();
        ByteBuffer out = ByteBuffer.allocate(events.size() * HASH);
        long seq = 0;
        for (AuditEvent e : events) {
            sha.update(EVENT_CONTEXT);
            sha.update(ByteBuffer.allocate(16 + 8 + 8 + 1 + 8 + 4).putLong(sessionId.getMostSignificantBits())
                    .putLong(sessionId.getLeastSignificantBits()).putLong(seq++).putLong(e.offsetMillis()).put((byte) e.type())
                    .putLong(e.connection()).putInt(e.data().length).array());
            sha.update(e.data());
            out.put(sha.digest());
        }
        return out.array();
    }

    static byte[] digest(UUID sessionId, long count, byte[] hashes) {
        MessageDigest sha = sha256();
        sha.update(SESSION_CONTEXT);
        sha.update(ByteBuffer.allocate(24).putLong(sessionId.getMostSignificantBits()).putLong(sessionId.getLeastSignificantBits())
                .putLong(count).array());
        sha.update(hashes);
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
