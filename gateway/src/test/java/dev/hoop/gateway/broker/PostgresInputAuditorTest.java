package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import dev.hoop.common.pgwire.StatementEvent;
import dev.hoop.common.pgwire.StatementExtractor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresInputAuditorTest {
    private static final int LIMIT = StatementExtractor.DEFAULT_RECORDED_BYTES;

    @Test
    void describesQueriesAndExecutionsWithTheirParameters() {
        var connection = new PostgresInputAuditor.Connection(1, LIMIT);
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Query("select 1"))).containsExactly("select 1");
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Parse("s1", "select * from t where a = $1 and b = $2"))).isEmpty();
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Bind("", "s1",
                List.of(StatementEvent.Parameter.text("o'k"), StatementEvent.Parameter.NULL))))
                .containsExactly("select * from t where a = $1 and b = $2 -- parameters: ['o''k', NULL]");
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Execute("", 0))).isEmpty();
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Bind("", "unknown", List.of())))
                .containsExactly("<prepared statement 'unknown'>");
    }

    /** Feeds a client stream in 64 KiB chunks, as the tunnel delivers it, and returns the audit lines. */
    private static List<String> audit(byte[] stream) {
        var connection = new PostgresInputAuditor.Connection(1, LIMIT);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < stream.length; i += 65536) {
            for (StatementEvent e : connection.extractor.feed(stream, i, Math.min(65536, stream.length - i))) {
                lines.addAll(PostgresInputAuditor.describe(connection, e));
            }
        }
        return lines;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static final byte[] STARTUP = new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "u")).encode();

    @Test
    void paddedDropTableIsRecordedWithItsHeadLengthAndHash() throws Exception {
        String sql = "drop table t /* " + "x".repeat(2_000_000) + " */";
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        List<String> lines = audit(concat(STARTUP, FrontendMessages.query(sql), FrontendMessages.query("select 2")));
        assertThat(lines).containsExactly(
                sql.substring(0, LIMIT) + "… -- statement of " + text.length + " bytes, sha256 " + sha256(text) + ", first " + LIMIT + " recorded",
                "select 2");
    }

    @Test
    void bigBindKeepsTheSqlAndCutsTheParameterWithItsLength() {
        byte[] value = "v".repeat(1_500_000).getBytes(StandardCharsets.UTF_8);
        List<String> lines = audit(concat(STARTUP,
                FrontendMessages.parse("", "insert into t values ($1, $2)"),
                FrontendMessages.bind("", "", new byte[][] {value, "small".getBytes(StandardCharsets.UTF_8)}, new boolean[] {false, false}),
                FrontendMessages.execute("", 0),
                FrontendMessages.sync()));
        // The first value spends the whole budget: the second keeps only its length.
        assertThat(lines).containsExactly("insert into t values ($1, $2) -- parameters: ['" + "v".repeat(LIMIT) + "…' (1500000 bytes), '…' (5 bytes)]");
    }

    @Test
    void preparedStatementsPushedOutOfMemoryAreRecordedBeforeTheyCanRun() {
        var connection = new PostgresInputAuditor.Connection(1, LIMIT);
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Parse("evil", "drop table t"))).isEmpty();
        String filler = "select '" + "y".repeat(LIMIT - 20) + "'";
        List<String> lines = new ArrayList<>();
        for (int i = 0; lines.isEmpty() && i * (long) filler.length() <= 2L * PostgresInputAuditor.PREPARED_BUDGET_CHARS; i++) {
            lines.addAll(PostgresInputAuditor.describe(connection, new StatementEvent.Parse("f" + i, filler)));
        }
        // The oldest goes first (with the next one when it alone does not free enough), recorded as it goes.
        assertThat(lines.get(0)).isEqualTo("-- prepared statement 'evil', not yet executed: drop table t");
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.startsWith("-- prepared statement 'f0', not yet executed: select 'yyy"));
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Bind("", "evil", List.of())))
                .containsExactly("<prepared statement 'evil'>");
        assertThat(connection.preparedChars).isLessThanOrEqualTo(PostgresInputAuditor.PREPARED_BUDGET_CHARS);
    }

    @Test
    void manyEmptyPreparedStatementsAreBoundedToo() {
        var connection = new PostgresInputAuditor.Connection(1, LIMIT);
        for (int i = 0; i < 200_000; i++) {
            PostgresInputAuditor.describe(connection, new StatementEvent.Parse("s" + i, ""));
        }
        assertThat(connection.preparedChars).isLessThanOrEqualTo(PostgresInputAuditor.PREPARED_BUDGET_CHARS);
        assertThat(connection.prepared).hasSizeLessThan(200_000);
    }
}
