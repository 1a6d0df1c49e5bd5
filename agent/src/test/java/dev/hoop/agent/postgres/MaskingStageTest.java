package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.MaskingPolicy;
import dev.hoop.agent.masking.StreamMasker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The masking stage on an EmbeddedChannel: server messages in, what the client would get out. */
class MaskingStageTest {
    static final String EMAIL = "jane.doe@example.com";
    static final int TEXT = 25;
    static final int INT4 = 23;
    static final int JSONB = 3802;
    static final int INET = 869;

    private MaskingStage stage;
    private final EmbeddedChannel channel = channel("types=EMAIL_ADDRESS;columns=ssn,*secret*");

    private EmbeddedChannel channel(String config) {
        return channel(TextMasker.of(new Masker(MaskingPolicy.parse(config, new byte[32]))), config.contains("columns="));
    }

    private EmbeddedChannel channel(TextMasker masker, boolean columnRules) {
        stage = new MaskingStage(masker, columnRules, "pg");
        return new EmbeddedChannel(stage);
    }

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

    /** The built-in engine posing as a remote provider: the stage must batch and work off the event loop. */
    private static final class RemoteLike implements TextMasker {
        final TextMasker inner = TextMasker.of(new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS", null)));
        final List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public boolean remote() {
            return true;
        }

        @Override
        public List<String[]> maskRows(String[] columns, List<String[]> rows) {
            batches.add(rows.size());
            threads.add(Thread.currentThread().isVirtual() ? "virtual" : Thread.currentThread().getName());
            return TextMasker.super.maskRows(columns, rows);
        }

        @Override
        public String maskValue(String columnName, String value) {
            return inner.maskValue(columnName, value);
        }

        @Override
        public String maskText(String text) {
            return inner.maskText(text);
        }

        @Override
        public StreamMasker stream() {
            return inner.stream();
        }

        @Override
        public Map<InfoType, Long> counts() {
            return inner.counts();
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

    private static byte[] readAll(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf r;
        while ((r = ch.readInbound()) != null) {
            byte[] bytes = new byte[r.readableBytes()];
            r.readBytes(bytes);
            r.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
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
            bytewise.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            ByteBuf r;
            while ((r = bytewise.readInbound()) != null) {
                byte[] bytes = new byte[r.readableBytes()];
                r.readBytes(bytes);
                r.release();
                out.writeBytes(bytes);
            }
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
    void aColumnRuleOnABinaryNumberFailsClosed() {
        byte[] in = concat(rowDescription(col("ssn", INT4, 1)), dataRowBytes(ByteBuffer.allocate(4).putInt(78051120).array()), readyForQuery());
        Msg error = onlyMessage(send(channel, in));
        assertThat(error.type()).isEqualTo('E');
        assertThat(field(error, 'S')).isEqualTo("FATAL");
        assertThat(field(error, 'M')).contains("column \"ssn\"").contains("binary format");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aBinaryTypeThatCannotBeReadFailsClosed() {
        byte[] in = concat(rowDescription(col("addr", INET, 1)), dataRowBytes(new byte[] {2, 32, 0, 4, 10, 0, 0, 1}), readyForQuery());
        Msg error = onlyMessage(send(channel, in));
        assertThat(field(error, 'M')).contains("type oid 869").contains("binary format");
        assertThat(channel.isOpen()).isFalse();
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
    void rowsOfAStatementReparsedWithoutDescriptionFailClosed() {
        // Described as one harmless column, then replaced under the same name and executed without a describe.
        stage.fromClient(concat(parse(""), describe('S', ""), parse(""), bind("", "", (short) 0), execute(""), sync()));
        byte[] in = concat(msg('1', new byte[0]), msg('t', new byte[] {0, 0}), rowDescription(col("x", TEXT, 0)),
                msg('1', new byte[0]), msg('2', new byte[0]), dataRow("078-05-1120"), commandComplete("SELECT 1"), readyForQuery());
        byte[] out = send(channel, in);
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("078-05-1120");
        List<Msg> msgs = messages(out);
        assertThat(msgs).extracting(Msg::type).containsExactly('E');
        assertThat(field(msgs.get(0), 'M')).contains("cannot tell which columns");
        assertThat(channel.isOpen()).isFalse();
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

    @Test
    void binaryCopyOutFailsClosed() {
        EmbeddedChannel ch = channel("types=EMAIL_ADDRESS");
        byte[] in = concat(msg('H', new byte[] {1, 0, 1, 0, 1}), msg('d', EMAIL.getBytes(StandardCharsets.UTF_8)));
        byte[] out = send(ch, in);
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain(EMAIL);
        assertThat(field(onlyMessage(out), 'M')).contains("binary COPY cannot be masked");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void copyOutWithColumnRulesFailsClosed() {
        byte[] in = concat(msg('H', new byte[] {0, 0, 1, 0, 0}), msg('d', "078-05-1120\n".getBytes(StandardCharsets.UTF_8)));
        byte[] out = send(channel, in);
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("078-05-1120");
        assertThat(field(onlyMessage(out), 'M')).contains("column masking rules");
    }

    @Test
    void aMaskerThatThrowsGivesAnErrorAndNoClearData() {
        EmbeddedChannel ch = channel(new ThrowingMasker(), false);
        byte[] in = concat(rowDescription(col("email", TEXT, 0)), dataRow(EMAIL), readyForQuery());
        byte[] out = send(ch, in);
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain(EMAIL);
        Msg error = onlyMessage(out);
        assertThat(field(error, 'S')).isEqualTo("FATAL");
        assertThat(field(error, 'M')).contains("could not mask").doesNotContain("secret value");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aNonUtf8ClientEncodingFailsClosed() {
        byte[] in = concat(msg('S', "client_encoding\0LATIN1\0".getBytes(StandardCharsets.UTF_8)),
                rowDescription(col("email", TEXT, 0)), dataRow(EMAIL));
        byte[] out = send(channel, in);
        assertThat(new String(out, StandardCharsets.ISO_8859_1)).doesNotContain(EMAIL);
        assertThat(field(messages(out).getLast(), 'M')).contains("client_encoding LATIN1");
    }

    @Test
    void functionCallResultsAndCopyBothFailClosed() {
        assertThat(field(onlyMessage(send(channel, msg('V', new byte[] {0, 0, 0, 1, 'x'}))), 'M')).contains("function call");
        EmbeddedChannel ch = channel("types=EMAIL_ADDRESS");
        assertThat(field(onlyMessage(send(ch, msg('W', new byte[] {0, 0, 0}))), 'M')).contains("COPY BOTH");
    }

    @Test
    void anOversizedRowFailsClosedWithoutBufferingIt() {
        byte[] header = ByteBuffer.allocate(5).put((byte) 'D').putInt(MaskingStage.MAX_EXAMINED_BYTES + 5).array();
        assertThat(field(onlyMessage(send(channel, header)), 'M')).contains("exceeds the 64 MiB");
    }

    /** A masker whose every call fails, with the value in its exception message. */
    static final class ThrowingMasker implements TextMasker {
        @Override
        public String maskValue(String columnName, String value) {
            throw new IllegalStateException("secret value " + value);
        }

        @Override
        public String maskText(String text) {
            throw new IllegalStateException("secret value " + text);
        }

        @Override
        public StreamMasker stream() {
            return new StreamMasker() {
                @Override
                public String push(CharSequence chunk) {
                    throw new IllegalStateException("secret value " + chunk);
                }

                @Override
                public String finish() {
                    throw new IllegalStateException("boom");
                }
            };
        }

        @Override
        public Map<InfoType, Long> counts() {
            return Map.of();
        }
    }

    // ---- messages ----

    record Col(String name, int oid, int format) {}

    record Msg(char type, byte[] body) {}

    static Col col(String name, int oid, int format) {
        return new Col(name, oid, format);
    }

    static byte[] msg(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    static byte[] rowDescription(Col... cols) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(cols.length);
        for (Col c : cols) {
            b.writeBytes(cstring(c.name()));
            b.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(c.oid()).putShort((short) -1).putInt(-1)
                    .putShort((short) c.format()).array());
        }
        return msg('T', b.toByteArray());
    }

    static byte[] dataRow(String... values) {
        byte[][] raw = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            raw[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return dataRowBytes(raw);
    }

    static byte[] dataRowBytes(byte[]... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
        for (byte[] v : values) {
            b.writeBytes(ByteBuffer.allocate(4).putInt(v == null ? -1 : v.length).array());
            if (v != null) {
                b.writeBytes(v);
            }
        }
        return msg('D', b.toByteArray());
    }

    static byte[] commandComplete(String tag) {
        return msg('C', cstring(tag));
    }

    static byte[] readyForQuery() {
        return msg('Z', new byte[] {'I'});
    }

    static byte[] fields(char type, String... kv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < kv.length; i += 2) {
            b.write(kv[i].charAt(0));
            b.writeBytes(cstring(kv[i + 1]));
        }
        b.write(0);
        return msg(type, b.toByteArray());
    }

    static byte[] parse(String name) {
        return msg('P', concat(cstring(name), cstring("select 1"), new byte[] {0, 0}));
    }

    static byte[] describe(char kind, String name) {
        return msg('D', concat(new byte[] {(byte) kind}, cstring(name)));
    }

    static byte[] bind(String portal, String statement, short resultFormat) {
        return msg('B', concat(cstring(portal), cstring(statement), new byte[] {0, 0, 0, 0, 0, 1, 0, (byte) resultFormat}));
    }

    static byte[] execute(String portal) {
        return msg('E', concat(cstring(portal), new byte[4]));
    }

    static byte[] sync() {
        return msg('S', new byte[0]);
    }

    static byte[] cstring(String s) {
        return concat(s.getBytes(StandardCharsets.UTF_8), new byte[1]);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] send(EmbeddedChannel ch, byte[] in) {
        ch.writeInbound(Unpooled.wrappedBuffer(in));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf r;
        while ((r = ch.readInbound()) != null) {
            byte[] bytes = new byte[r.readableBytes()];
            r.readBytes(bytes);
            r.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    static List<Msg> messages(byte[] bytes) {
        List<Msg> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.hasRemaining()) {
            char type = (char) in.get();
            byte[] body = new byte[in.getInt() - 4];
            in.get(body);
            out.add(new Msg(type, body));
        }
        return out;
    }

    static Msg onlyMessage(byte[] bytes) {
        List<Msg> msgs = messages(bytes);
        assertThat(msgs).hasSize(1);
        return msgs.getFirst();
    }

    static List<byte[]> rawValues(Msg row) {
        ByteBuffer in = ByteBuffer.wrap(row.body());
        int n = in.getShort();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                out.add(null);
            } else {
                byte[] v = new byte[len];
                in.get(v);
                out.add(v);
            }
        }
        assertThat(in.hasRemaining()).as("nothing after the values").isFalse();
        return out;
    }

    static List<String> values(Msg row) {
        return rawValues(row).stream().map(v -> v == null ? null : new String(v, StandardCharsets.UTF_8)).toList();
    }

    static String field(Msg m, char code) {
        byte[] b = m.body();
        int i = 0;
        while (i < b.length && b[i] != 0) {
            int end = i + 1;
            while (b[end] != 0) {
                end++;
            }
            if (b[i] == code) {
                return new String(b, i + 1, end - i - 1, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return null;
    }
}
