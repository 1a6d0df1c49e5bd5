package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.ServerStagesTest.concat;
import static dev.hoop.agent.postgres.ServerStagesTest.cstrings;
import static dev.hoop.agent.postgres.ServerStagesTest.message;
import static dev.hoop.agent.postgres.ServerStagesTest.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.exec.CollectedOutput;
import dev.hoop.agent.exec.ProcessOutput;
import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * {@link ScriptRunner} on an {@link EmbeddedChannel}: the one-off script goes out once the server
 * is ready, the results come back as psql prints them, and every way it can end gives one exit
 * code (or none when the session is gone). The message builders are {@link ServerStagesTest}'s.
 */
class ScriptRunnerTest {

    private static final byte[] READY = BackendMessages.readyForQuery('I');

    private static byte[] rowDescription(String name, int typeOid) {
        byte[] field = concat(cstrings(name), new byte[] {0, 0, 0, 0, 0, 0, (byte) (typeOid >>> 24), (byte) (typeOid >>> 16),
                (byte) (typeOid >>> 8), (byte) typeOid, 0, 4, -1, -1, -1, -1, 0, 0});
        return message('T', concat(new byte[] {0, 1}, field));
    }

    private static byte[] dataRow(String value) {
        if (value == null) {
            return message('D', new byte[] {0, 1, -1, -1, -1, -1});
        }
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return message('D', concat(new byte[] {0, 1, 0, 0, 0, (byte) v.length}, v));
    }

    private static byte[] complete(String tag) {
        return message('C', cstrings(tag));
    }

    @Test
    void theScriptGoesOutAfterReadyForQueryAndTheResultsComeBackAsPsqlPrintsThem() throws Exception {
        CollectedOutput out = new CollectedOutput();
        List<Integer> exits = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new ScriptRunner("select n; insert", "db:5432", out, exits::add));
        ch.writeInbound(Unpooled.wrappedBuffer(concat(BackendMessages.authenticationOk(),
                BackendMessages.parameterStatus("server_version", "15"), BackendMessages.backendKeyData(1, 2), READY)));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.query("select n; insert"));
        assertThat(outbound(ch)).isNull();
        assertThat(out.chunks).isEmpty();

        byte[] notice = message('N', concat(new byte[] {'S'}, cstrings("NOTICE"), new byte[] {'M'}, cstrings("hi"),
                new byte[] {'W'}, cstrings("PL/pgSQL function"), new byte[] {0}));
        ch.writeInbound(Unpooled.wrappedBuffer(concat(rowDescription("n", 23), dataRow("7"), dataRow(null), dataRow("12"),
                complete("SELECT 3"), notice, complete("INSERT 0 2"), READY)));
        assertThat(out.chunks).containsExactly(
                new CollectedOutput.Chunk("out", " n  \n----\n  7\n   \n 12\n(3 rows)\n\n"),
                new CollectedOutput.Chunk("err", "NOTICE:  hi\n"),
                new CollectedOutput.Chunk("out", "INSERT 0 2\n"));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.terminate());
        assertThat(outbound(ch)).isNull();
        assertThat(exits).containsExactly(0);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anErrorExitsOneAndCopyInIsFailedWithTheReason() {
        CollectedOutput out = new CollectedOutput();
        List<Integer> exits = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new ScriptRunner("copy t from stdin", "db:5432", out, exits::add));
        ch.writeInbound(Unpooled.wrappedBuffer(READY));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.query("copy t from stdin"));
        ch.writeInbound(Unpooled.wrappedBuffer(message('G', new byte[] {0, 0, 0})));
        byte[] fail = outbound(ch);
        assertThat(fail[0]).isEqualTo((byte) 'f');
        assertThat(new String(fail, 5, fail.length - 6, StandardCharsets.UTF_8)).isEqualTo(ScriptRunner.COPY_IN_REFUSED);
        assertThat(outbound(ch)).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(concat(ErrorResponse.error("57014", "COPY from stdin failed", null).encode(), READY)));
        assertThat(out.chunks).containsExactly(new CollectedOutput.Chunk("err", "ERROR:  COPY from stdin failed\n"));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.terminate());
        assertThat(outbound(ch)).isNull();
        assertThat(exits).containsExactly(1);
    }

    @Test
    void theServerClosingMidScriptExitsTwoAndAGoneTransportEndsWithoutAnExit() {
        CollectedOutput out = new CollectedOutput();
        List<Integer> exits = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new ScriptRunner("select 1", "db:5432", out, exits::add));
        ch.writeInbound(Unpooled.wrappedBuffer(READY));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.query("select 1"));
        ch.close();
        assertThat(out.chunks).containsExactly(new CollectedOutput.Chunk("err",
                "hoop: the database server at db:5432 closed the connection unexpectedly\n"));
        assertThat(exits).containsExactly(2);

        List<Integer> noExit = new ArrayList<>();
        ProcessOutput gone = new ProcessOutput() {
            @Override
            public CompletionStage<Void> stdout(byte[] chunk) {
                return CompletableFuture.failedFuture(new IllegalStateException("session closed"));
            }

            @Override
            public CompletionStage<Void> stderr(byte[] chunk) {
                return stdout(chunk);
            }

            @Override
            public void exited(int exitCode) {
                noExit.add(exitCode);
            }
        };
        EmbeddedChannel second = new EmbeddedChannel(new ScriptRunner("select 1", "db:5432", gone, noExit::add));
        second.writeInbound(Unpooled.wrappedBuffer(concat(READY, rowDescription("n", 23), dataRow("1"), complete("SELECT 1"))));
        assertThat(outbound(second)).isEqualTo(FrontendMessages.query("select 1"));
        assertThat(outbound(second)).isNull();
        assertThat(second.isOpen()).isFalse();
        assertThat(noExit).isEmpty();
    }
}
