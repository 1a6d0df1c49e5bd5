package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.Wire;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on the embedded PostgreSQL. The data directory sits under a mode-700 folder, as
 * {@code ~/.hoop/data} does under {@code /root}: that must work as root (what we run as here).
 */
class EmbeddedPostgresGatewayTest {
    @TempDir
    Path tmp;

    @Test
    void servesAndKeepsItsDataAcrossRestarts() throws Exception {
        Path home = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path dataDir = home.resolve(".hoop").resolve("data");
        Map<String, String> env = TestGateway.env(dataDir, Map.of());
        String token;
        try (TestGateway gw = TestGateway.start(env)) {
            assertThat(gw.get("/api/healthz", null).status()).isEqualTo(200);
            token = gw.registerAdmin("first@example.com", "kept-across-restarts");
            try (var c = gw.server.database().dataSource().getConnection();
                 var rs = c.createStatement().executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
                rs.next();
                // durable: zonky's test defaults (fsync off) are overridden for a store that keeps data
                assertThat(rs.getString(1)).isEqualTo("on");
                assertThat(rs.getString(2)).isEqualTo("on");
            }
            var channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
            try {
                Status s = GrpcProbe.connect(channel, Map.of(Wire.VERB.name(), "connect")).awaitEnd();
                assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(s.getDescription()).isEqualTo("missing origin");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThat(dataDir.resolve("pg").resolve("PG_VERSION")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("jwt-secret.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        try (TestGateway again = TestGateway.start(env)) {
            // same user and same signing key: the old token still works, the password too
            assertThat(again.get("/api/userinfo", token).json().get("email").asText()).isEqualTo("first@example.com");
            assertThat(again.login("first@example.com", "kept-across-restarts")).isNotBlank();
        }
    }
}
