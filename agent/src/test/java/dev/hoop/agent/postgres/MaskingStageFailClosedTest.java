package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.MaskingStageMessages.EMAIL;
import static dev.hoop.agent.postgres.MaskingStageMessages.INET;
import static dev.hoop.agent.postgres.MaskingStageMessages.INT4;
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
import static dev.hoop.agent.postgres.MaskingStageMessages.messages;
import static dev.hoop.agent.postgres.MaskingStageMessages.msg;
import static dev.hoop.agent.postgres.MaskingStageMessages.onlyMessage;
import static dev.hoop.agent.postgres.MaskingStageMessages.parse;
import static dev.hoop.agent.postgres.MaskingStageMessages.readyForQuery;
import static dev.hoop.agent.postgres.MaskingStageMessages.rowDescription;
import static dev.hoop.agent.postgres.MaskingStageMessages.send;
import static dev.hoop.agent.postgres.MaskingStageMessages.sync;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.StreamMasker;
import dev.hoop.agent.postgres.MaskingStageMessages.Msg;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The masking stage on an EmbeddedChannel where it cannot mask: it ends the connection with a
 * FATAL error and lets no clear value through.
 */
class MaskingStageFailClosedTest extends MaskingStageTestBase {
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
}
