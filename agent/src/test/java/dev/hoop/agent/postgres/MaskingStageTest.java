package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.MaskingStageMessages.EMAIL;
import static dev.hoop.agent.postgres.MaskingStageMessages.INT4;
import static dev.hoop.agent.postgres.MaskingStageMessages.JSONB;
import static dev.hoop.agent.postgres.MaskingStageMessages.TEXT;
import static dev.hoop.agent.postgres.MaskingStageMessages.bind;
import static dev.hoop.agent.postgres.MaskingStageMessages.col;
import static dev.hoop.agent.postgres.MaskingStageMessages.commandComplete;
import static dev.hoop.agent.postgres.MaskingStageMessages.concat;
import static dev.hoop.agent.postgres.MaskingStageMessages.dataRow;
import static dev.hoop.agent.postgres.MaskingStageMessages.dataRowBytes;
import static dev.hoop.agent.postgres.MaskingStageMessages.describe;
import static dev.hoop.agent.postgres.MaskingStageMessages.execute;
import static dev.hoop.agent.postgres.MaskingStageMessages.field;
import static dev.hoop.agent.postgres.MaskingStageMessages.fields;
import static dev.hoop.agent.postgres.MaskingStageMessages.messages;
import static dev.hoop.agent.postgres.MaskingStageMessages.msg;
import static dev.hoop.agent.postgres.MaskingStageMessages.parse;
import static dev.hoop.agent.postgres.MaskingStageMessages.rawValues;
import static dev.hoop.agent.postgres.MaskingStageMessages.readAll;
import static dev.hoop.agent.postgres.MaskingStageMessages.readyForQuery;
import static dev.hoop.agent.postgres.MaskingStageMessages.rowDescription;
import static dev.hoop.agent.postgres.MaskingStageMessages.send;
import static dev.hoop.agent.postgres.MaskingStageMessages.sync;
import static dev.hoop.agent.postgres.MaskingStageMessages.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.MaskingPolicy;
import dev.hoop.agent.postgres.MaskingStageMessages.Msg;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The masking stage on an EmbeddedChannel: server messages in, what the client would get out. */
class MaskingStageTest extends MaskingStageTestBase {
    @Test
    void textRowsAreMaskedPerColumnWithNullsKeptAndLengthsRecomputed() {
        byte[] in = concat(rowDescription(col("id", INT4, 0), col("email", TEXT, 0), col("ssn", TEXT, 0), col("note", TEXT, 0)),
                dataRow("1", "write to " + EMAIL, "078-05-1120", null),
                dataRow("2", null, null, "nothing here"),
                commandComplete("SELECT 2"), readyForQuery());
        List<Msg> out = messages(send(channel, in));
        assertThat(out).extracting(Msg::type).containsExactly('T', 'D', 'D', 'C', 'Z');
        List<String> row1 = values(out.get(1));
        assertThat(row1.get(0)).isEqualTo("1");
        assertThat(row1.get(1)).startsWith("write to ").doesNotContain(EMAIL);
        assertThat(row1.get(2)).isNotEqualTo("078-05-1120").doesNotContain("078-05-1120");
        assertThat(row1.get(3)).isNull();
        assertThat(values(out.get(2))).containsExactly("2", null, null, "nothing here");
        assertThat(stage).isNotNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void anUnchangedChunkPassesByteForByte() {
        byte[] in = concat(rowDescription(col("n", INT4, 0)), dataRow("7"), commandComplete("SELECT 1"), readyForQuery());
        assertThat(send(channel, in)).isEqualTo(in);
    }

    @Test
    void messagesSplitAcrossReadsAreMaskedTheSame() {
        byte[] in = concat(rowDescription(col("email", TEXT, 0)), dataRow(EMAIL), dataRow("x"), readyForQuery());
        byte[] whole = send(channel, in);
        EmbeddedChannel bytewise = channel("types=EMAIL_ADDRESS;columns=ssn,*secret*");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : in) {
            out.writeBytes(send(bytewise, new byte[] {b}));
        }
        assertThat(out.toByteArray()).isEqualTo(whole);
        assertThat(new String(whole, StandardCharsets.UTF_8)).doesNotContain(EMAIL);
    }

    @Test
    void binaryTextAndJsonbColumnsAreMaskedKeepingTheVersionByte() {
        byte[] jsonb = concat(new byte[] {1}, ("{\"mail\": \"" + EMAIL + "\"}").getBytes(StandardCharsets.UTF_8));
        byte[] in = concat(rowDescription(col("t", TEXT, 1), col("j", JSONB, 1), col("n", INT4, 1)),
                dataRowBytes(EMAIL.getBytes(StandardCharsets.UTF_8), jsonb, ByteBuffer.allocate(4).putInt(42).array()), readyForQuery());
        List<Msg> out = messages(send(channel, in));
        List<byte[]> row = rawValues(out.get(1));
        assertThat(new String(row.get(0), StandardCharsets.UTF_8)).doesNotContain(EMAIL).isNotEmpty();
        assertThat(row.get(1)[0]).isEqualTo((byte) 1);
        assertThat(new String(row.get(1), 1, row.get(1).length - 1, StandardCharsets.UTF_8)).startsWith("{\"mail\": \"").doesNotContain(EMAIL);
        assertThat(row.get(2)).isEqualTo(ByteBuffer.allocate(4).putInt(42).array());
    }

    @Test
    void extendedProtocolRowsUseTheDescribedStatementAndTheBindFormats() {
        stage.fromClient(concat(parse("S_1"), describe('S', "S_1"), bind("", "S_1", (short) 1), execute(""), sync()));
        byte[] in = concat(msg('1', new byte[0]), msg('t', new byte[] {0, 0}), rowDescription(col("email", TEXT, 0), col("n", INT4, 0)),
                msg('2', new byte[0]), dataRowBytes(EMAIL.getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(4).putInt(5).array()),
                commandComplete("SELECT 1"), readyForQuery());
        List<Msg> out = messages(send(channel, in));
        assertThat(out).extracting(Msg::type).containsExactly('1', 't', 'T', '2', 'D', 'C', 'Z');
        List<byte[]> row = rawValues(out.get(4));
        assertThat(new String(row.get(0), StandardCharsets.UTF_8)).doesNotContain(EMAIL);
        assertThat(row.get(1)).isEqualTo(ByteBuffer.allocate(4).putInt(5).array());
    }

    @Test
    void noticesAndErrorsHaveTheirTextFieldsMasked() {
        byte[] in = concat(fields('N', "S", "NOTICE", "C", "00000", "M", "hello " + EMAIL, "D", "detail " + EMAIL),
                fields('E', "S", "ERROR", "C", "23505", "M", "duplicate key", "D", "Key (email)=(" + EMAIL + ") already exists.",
                        "H", "hint " + EMAIL),
                readyForQuery());
        byte[] out = send(channel, in);
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain(EMAIL);
        List<Msg> msgs = messages(out);
        assertThat(field(msgs.get(0), 'M')).startsWith("hello ");
        assertThat(field(msgs.get(1), 'C')).isEqualTo("23505");
        assertThat(field(msgs.get(1), 'D')).startsWith("Key (email)=(");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void textCopyOutIsMaskedRowByRow() {
        EmbeddedChannel ch = channel("types=EMAIL_ADDRESS");
        byte[] in = concat(msg('H', new byte[] {0, 0, 2, 0, 0, 0, 0}), msg('d', ("1\t" + EMAIL + "\n").getBytes(StandardCharsets.UTF_8)),
                msg('d', "2\tplain\n".getBytes(StandardCharsets.UTF_8)), msg('c', new byte[0]), commandComplete("COPY 2"), readyForQuery());
        List<Msg> out = messages(send(ch, in));
        assertThat(out).extracting(Msg::type).containsExactly('H', 'd', 'd', 'c', 'C', 'Z');
        assertThat(new String(out.get(1).body(), StandardCharsets.UTF_8)).startsWith("1\t").endsWith("\n").doesNotContain(EMAIL);
        assertThat(new String(out.get(2).body(), StandardCharsets.UTF_8)).isEqualTo("2\tplain\n");
    }

    /** The built-in engine posing as a remote provider: the stage must batch and work off the event loop. */
    private static final class RemoteLike extends ForwardingMasker {
        final List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        RemoteLike() {
            super(TextMasker.of(new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS", null))));
        }

        @Override
        public boolean remote() {
            return true;
        }

        @Override
        public List<String[]> maskRows(String[] columns, List<String[]> rows) {
            batches.add(rows.size());
            threads.add(Thread.currentThread().isVirtual() ? "virtual" : Thread.currentThread().getName());
            return super.maskRows(columns, rows);
        }
    }

    @Test
    void aRemoteMaskerGetsTheRowsOfAReadInOneBatchOffTheLoop() throws Exception {
        RemoteLike remote = new RemoteLike();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new MaskingStage(remote, false, "pg"), new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                b.release();
                seen.add("read " + bytes.length);
                ctx.fireChannelRead(Unpooled.wrappedBuffer(bytes));
            }
        });
        byte[] in = concat(rowDescription(col("id", INT4, 0), col("email", TEXT, 0)), dataRow("1", EMAIL), dataRow("2", null),
                dataRow("3", "x " + EMAIL), commandComplete("SELECT 3"), readyForQuery());
        ch.writeInbound(Unpooled.wrappedBuffer(in));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            ch.runPendingTasks(); // the stage hands its results back to the (embedded) loop
            Thread.onSpinWait();
        }
        assertThat(seen).hasSize(1);
        List<Msg> out = messages(readAll(ch));
        assertThat(out).extracting(Msg::type).containsExactly('T', 'D', 'D', 'D', 'C', 'Z');
        assertThat(values(out.get(1))).containsExactly("1", "[EMAIL_ADDRESS]");
        assertThat(values(out.get(2))).containsExactly("2", null);
        assertThat(values(out.get(3))).containsExactly("3", "x [EMAIL_ADDRESS]");
        assertThat(remote.batches).containsExactly(3);
        assertThat(remote.threads).containsExactly("virtual");
    }
}
