package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.guardrails.Block;
import dev.hoop.agent.guardrails.SqlGuardrails;
import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guardrails in the PostgreSQL pipeline: what the server gets, and what the client gets back. */
class GuardrailFilterTest {
    private static final byte[] INVALID_STRING = new ErrorResponse("ERROR", "08P01", "invalid string in message", null, null).encode();
    private static final SqlGuardrails RULES = new SqlGuardrails(GuardrailRules.parse(List.of("drop", "delete-without-where")));

    private final RefusalMarkers markers = new RefusalMarkers();
    private final List<Block> blocked = new ArrayList<>();
    private final ClientFilter client = new ClientFilter(new NoSession(), markers, RULES, blocked::add);

    GuardrailFilterTest() {
        client.filter(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode());
    }

    @Test
    void anAllowedQueryIsRelayedUnchangedAndNothingIsReported() {
        byte[] q = concat(FrontendMessages.query("delete from t where id = 1"), FrontendMessages.parse("", "select 1"), FrontendMessages.sync());
        assertThat(client.filter(q)).isSameAs(q);
        assertThat(blocked).isEmpty();
        assertThat(markers.isEmpty()).isTrue();
    }

    @Test
    void aBlockedQueryLosesItsNulAndItsErrorBecomesTheRuleNamedRefusal() {
        byte[] q = FrontendMessages.query("select 1; DROP TABLE t");
        byte[] sent = filterInChunks(q, 3);
        assertThat(sent).hasSameSizeAs(q);
        assertThat(sent[sent.length - 1]).isEqualTo((byte) ' '); // the server cannot read the SQL string: nothing runs
        assertThat(Arrays.copyOf(sent, sent.length - 1)).isEqualTo(Arrays.copyOf(q, q.length - 1));
        assertThat(blocked).containsExactly(new Block("drop", "DROP statements are not allowed on this connection"));

        byte[] server = concat(BackendMessages.readyForQuery('I'), INVALID_STRING, BackendMessages.readyForQuery('I'));
        byte[] back = new BackendFilter(markers).filter(server);
        ErrorResponse refusal = ErrorResponse.error("42501", "blocked by guardrail 'drop': DROP statements are not allowed on this connection",
                "The connection's guardrails do not allow this statement; ask an administrator if you need it to run.");
        assertThat(back).isEqualTo(concat(BackendMessages.readyForQuery('I'), refusal.encode(), BackendMessages.readyForQuery('I')));
    }

    @Test
    void aBlockedParseInTheExtendedProtocolIsSpoiledLikeAQuery() {
        byte[] parse = FrontendMessages.parse("s1", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d");
        byte[] msgs = concat(parse, FrontendMessages.bind("", "s1", new byte[0][], new boolean[0]), FrontendMessages.execute("", 0),
                FrontendMessages.sync());
        byte[] sent = client.filter(msgs);
        assertThat(sent[parse.length - 1]).isEqualTo((byte) ' ');
        assertThat(Arrays.copyOfRange(sent, parse.length, sent.length)).isEqualTo(Arrays.copyOfRange(msgs, parse.length, msgs.length));
        assertThat(blocked).extracting(Block::rule).containsExactly("delete-without-where");
        // the server answers the spoiled Parse, skips Bind/Execute, and answers Sync
        byte[] back = new BackendFilter(markers).filter(concat(BackendMessages.readyForQuery('I'), INVALID_STRING,
                BackendMessages.readyForQuery('I')));
        assertThat(ErrorResponse.decode(Arrays.copyOfRange(back, 6 + 5, back.length - 6)).message())
                .isEqualTo("blocked by guardrail 'delete-without-where': DELETE without a WHERE clause is not allowed on this connection");
    }

    @Test
    void aFastpathFunctionCallNeverReachesTheServerAndItsAnswerIsTheRefusal() {
        // FunctionCall: function OID 2096 (pg_terminate_backend), no formats, one int4 argument, text result
        byte[] call = concat(new byte[] {'F', 0, 0, 0, 22, 0, 0, 0x08, 0x30, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 42, 0, 0});
        byte[] after = FrontendMessages.query("select 1");
        byte[] sent = filterInChunks(concat(call, after), 5);
        assertThat(sent).as("in its place a Query whose SQL the server cannot read, then what followed")
                .isEqualTo(concat(new byte[] {'Q', 0, 0, 0, 5, ' '}, after));
        assertThat(blocked).extracting(Block::rule).containsExactly("fastpath");

        byte[] server = concat(BackendMessages.readyForQuery('I'), INVALID_STRING, BackendMessages.readyForQuery('I'));
        byte[] back = new BackendFilter(markers).filter(server);
        assertThat(ErrorResponse.decode(Arrays.copyOfRange(back, 6 + 5, back.length - 6)).message())
                .startsWith("blocked by guardrail 'fastpath': fastpath function calls");
    }

    @Test
    void withoutRulesTheGuardrailsCostNothing() {
        ClientFilter plain = new ClientFilter(new NoSession(), new RefusalMarkers());
        plain.filter(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode());
        byte[] q = FrontendMessages.query("DROP TABLE t");
        assertThat(plain.filter(q)).isSameAs(q);
    }

    private byte[] filterInChunks(byte[] bytes, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += size) {
            out.writeBytes(client.filter(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size))));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static final class NoSession implements ClientFilter.Session {
        @Override
        public void startupPacket(StartupPacket packet) {
        }

        @Override
        public void malformed(String reason) {
            throw new AssertionError(reason);
        }
    }
}
