package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.gateway.store.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL auditor pairs each recorded statement with the server's answer, per client socket,
 * through a real audit log: the result events name the input event they answer.
 */
class StatementResultsTest {
    @TempDir
    Path dir;
    final Map<UUID, List<AuditEvent>> stored = new ConcurrentHashMap<>();
    SessionRecording recording;
    PostgresInputAuditor auditor;

    @BeforeEach
    void open() {
        recording = AuditLog.open(dir, stored::put).start(UUID.randomUUID());
        auditor = new PostgresInputAuditor(65536);
    }

    private void client(String socket, byte[]... messages) {
        auditor.fromClient(recording, Wire.packet(AgentPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, socket), concat(messages)));
    }

    private void server(String socket, byte[]... messages) {
        auditor.fromAgent(recording, Wire.packet(ClientPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, socket), concat(messages)));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] complete(String tag) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        out.write('C');
        int len = 4 + t.length + 1;
        out.writeBytes(new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
        out.writeBytes(t);
        out.write(0);
        return out.toByteArray();
    }

    private List<String> recorded() {
        recording.finish();
        // a client connection's opening and end (c, x) are tested in PostgresConnectionsAuditTest
        return stored.values().iterator().next().stream()
                .filter(e -> e.type() != AuditEvent.CONNECTION_OPENED && e.type() != AuditEvent.CONNECTION_CLOSED)
                .map(e -> e.type() + " " + new String(e.data(), StandardCharsets.UTF_8)).toList();
    }

    private static final byte[] STARTUP = new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "u")).encode();
    private static final byte[] READY = BackendMessages.readyForQuery('I');

    @Test
    void simpleQueriesGetTheirTagsRowsAndFirstError() {
        client("1", STARTUP);
        server("1", new byte[] {'N'}, BackendMessages.authenticationOk(), READY);
        client("1", FrontendMessages.query("select 1; select 2"));
        server("1", complete("SELECT 1"), complete("SELECT 1"), READY);
        client("1", FrontendMessages.query("select * from nope"));
        server("1", ErrorResponse.error("42P01", "relation \"nope\" does not exist", null).encode(), READY);
        client("1", FrontendMessages.query("begin"));
        server("1", complete("BEGIN"), BackendMessages.readyForQuery('T'));
        assertThat(recorded()).containsExactly(
                "i select 1; select 2",
                "r {\"statement\":0,\"tag\":\"SELECT 1; SELECT 1\",\"rows\":2}",
                "i select * from nope",
                "r {\"statement\":1,\"error\":\"ERROR 42P01: relation \\\"nope\\\" does not exist\"}",
                "i begin",
                "r {\"statement\":2,\"tag\":\"BEGIN\"}");
    }

    @Test
    void extendedExecutionsAreAnsweredOneByOneAndTheRestOfAFailedBatchIsNotRun() {
        byte[][] noValues = new byte[0][];
        client("1", STARTUP);
        client("1", FrontendMessages.parse("", "insert into t values (1)"), FrontendMessages.bind("", "", noValues, new boolean[0]),
                FrontendMessages.execute("", 0),
                FrontendMessages.parse("", "insert into t values ('x')"), FrontendMessages.bind("", "", noValues, new boolean[0]),
                FrontendMessages.execute("", 0),
                FrontendMessages.parse("", "insert into t values (3)"), FrontendMessages.bind("", "", noValues, new boolean[0]),
                FrontendMessages.execute("", 0), FrontendMessages.sync());
        server("1", BackendMessages.authenticationOk(), READY, complete("INSERT 0 1"),
                ErrorResponse.error("22P02", "invalid input syntax for type integer: \"x\"", null).encode(), READY);
        assertThat(recorded()).containsExactly(
                "i insert into t values (1)",
                "i insert into t values ('x')",
                "i insert into t values (3)",
                "r {\"statement\":0,\"tag\":\"INSERT 0 1\",\"rows\":1}",
                "r {\"statement\":1,\"error\":\"ERROR 22P02: invalid input syntax for type integer: \\\"x\\\"\"}",
                "r {\"statement\":2,\"skipped\":\"not run: an earlier statement of the same batch failed\"}");
    }

    @Test
    void eachSocketIsPairedOnItsOwn() {
        client("1", STARTUP);
        client("2", STARTUP);
        client("1", FrontendMessages.query("select 'one'"));
        client("2", FrontendMessages.query("select 'two'"));
        server("2", BackendMessages.authenticationOk(), READY, complete("SELECT 1"), READY);
        server("1", BackendMessages.authenticationOk(), READY, ErrorResponse.error("57014", "canceling statement", null).encode(), READY);
        assertThat(recorded()).containsExactly(
                "i select 'one'",
                "i select 'two'",
                "r {\"statement\":1,\"tag\":\"SELECT 1\",\"rows\":1}",
                "r {\"statement\":0,\"error\":\"ERROR 57014: canceling statement\"}");
    }

    @Test
    void answersOnASocketTheClientNeverOpenedAreNotRecordedNorKept() {
        server("agent-made-up", ErrorResponse.error("XX000", "forged", null).encode(), READY);
        client("1", STARTUP);
        client("1", FrontendMessages.query("select 1"));
        server("1", BackendMessages.authenticationOk(), READY, complete("SELECT 1"), READY);
        assertThat(recorded()).containsExactly("i select 1", "r {\"statement\":0,\"tag\":\"SELECT 1\",\"rows\":1}");
    }

    @Test
    void aFailedLoginAnswersNoStatementAndServerNoiseIsNotRecorded() {
        client("1", STARTUP);
        server("1", ErrorResponse.fatal("28P01", "password authentication failed for user \"u\"", null).encode());
        server("1", concat(BackendMessages.parameterStatus("a", "b"), BackendMessages.readyForQuery('I')));
        assertThat(recorded()).containsExactly("r {\"error\":\"FATAL 28P01: password authentication failed for user \\\"u\\\"\"}");
    }
}
