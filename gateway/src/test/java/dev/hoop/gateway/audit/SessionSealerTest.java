package dev.hoop.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.SessionSeals.Seal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionSealerTest {
    static final UUID ID = UUID.fromString("3f2a0c1e-0000-4000-8000-000000000001");
    static final List<AuditEvent> EVENTS = List.of(new AuditEvent(0, AuditEvent.INPUT, "select 1".getBytes(StandardCharsets.UTF_8)),
            new AuditEvent(3, AuditEvent.RESULT, "{\"statement\":0}".getBytes(StandardCharsets.UTF_8)));

    @Test
    void aKeyGivenAsBase64Pkcs8SignsAndItsDerivedPublicKeyVerifies() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        SessionSealer sealer = SessionSealer.load(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()), Path.of("/nonexistent"));
        assertThat(sealer.publicKey()).isEqualTo(pair.getPublic().getEncoded());
        Seal seal = sealer.seal(ID, EVENTS);
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(sealer.publicKey())));
        verify.update(seal.digest());
        assertThat(verify.verify(seal.signature())).isTrue();
        assertThat(seal.eventCount()).isEqualTo(2);
        assertThat(seal.eventHashes()).hasSize(64);
        assertThat(sealer.verify(ID, EVENTS, Optional.of(seal)).problems()).isEmpty();
    }

    @Test
    void theGeneratedKeyIsKeptInTheDataFolderReadableByTheOwnerOnly(@TempDir Path data) throws Exception {
        SessionSealer first = SessionSealer.load(null, data);
        SessionSealer again = SessionSealer.load(null, data);
        assertThat(again.publicKey()).isEqualTo(first.publicKey());
        Path file = data.resolve(SessionSealer.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(again.verify(ID, EVENTS, Optional.of(first.seal(ID, EVENTS))).valid()).isTrue();
    }

    @Test
    void aSealDoesNotFitAnotherSession() {
        SessionSealer sealer = SessionSealer.generate();
        Seal seal = sealer.seal(ID, EVENTS);
        SessionSealer.Verification v = sealer.verify(UUID.randomUUID(), EVENTS, Optional.of(seal));
        assertThat(v.valid()).isFalse();
        assertThat(v.problems()).hasSize(2);
        assertThat(v.problems().get(0)).isEqualTo("the seal's event hashes do not give its digest (the seal was changed)");
        assertThat(v.problems().get(1)).startsWith("event 0 (type i at +0 ms, 8 bytes) differs from what was sealed");
    }

    @Test
    void aBrokenKeySaysWhatWasExpectedWithoutPrintingTheKey() throws Exception {
        assertThatThrownBy(() -> SessionSealer.load("%%%not base64", Path.of("/nonexistent")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AUDIT_SIGNING_KEY: not base64 (expected: a base64 PKCS#8 Ed25519 private key");
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String rsaKey = Base64.getEncoder().encodeToString(rsa.getPrivate().getEncoded());
        assertThatThrownBy(() -> SessionSealer.load(rsaKey, Path.of("/nonexistent")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AUDIT_SIGNING_KEY: not an Ed25519 private key in PKCS#8")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(rsaKey.substring(0, 40)));
    }

    @Test
    void aBrokenKeyFileNamesTheFile(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve(SessionSealer.FILE_NAME), "AAAA\n");
        assertThatThrownBy(() -> SessionSealer.load(null, data))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(data.resolve(SessionSealer.FILE_NAME) + ": not an Ed25519 private key in PKCS#8");
    }
}
