package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.MaskingStageMessages.EMAIL;
import static dev.hoop.agent.postgres.MaskingStageMessages.INT4;
import static dev.hoop.agent.postgres.MaskingStageMessages.TEXT;
import static dev.hoop.agent.postgres.MaskingStageMessages.col;
import static dev.hoop.agent.postgres.MaskingStageMessages.commandComplete;
import static dev.hoop.agent.postgres.MaskingStageMessages.concat;
import static dev.hoop.agent.postgres.MaskingStageMessages.cstring;
import static dev.hoop.agent.postgres.MaskingStageMessages.dataRow;
import static dev.hoop.agent.postgres.MaskingStageMessages.field;
import static dev.hoop.agent.postgres.MaskingStageMessages.fields;
import static dev.hoop.agent.postgres.MaskingStageMessages.messages;
import static dev.hoop.agent.postgres.MaskingStageMessages.msg;
import static dev.hoop.agent.postgres.MaskingStageMessages.onlyMessage;
import static dev.hoop.agent.postgres.MaskingStageMessages.readAll;
import static dev.hoop.agent.postgres.MaskingStageMessages.readyForQuery;
import static dev.hoop.agent.postgres.MaskingStageMessages.rowDescription;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.dlp.gcp.DlpStandIn;
import dev.hoop.agent.dlp.gcp.GoogleDlp;
import dev.hoop.agent.masking.MaskingPolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The masking stage with Google DLP ({@link DlpStandIn}): the free texts of a read (COPY rows,
 * notices, notifications) go to DLP in batches bounded by GOOGLE_DLP_MAX_ROWS, not one request
 * each; the bytes are those of masking them one by one; a failed batch fails the read closed.
 */
class DlpBatchingTest {
    private static final int MAX_ROWS = 100;
    private DlpStandIn dlp;
    private TextMasker masker;

    @BeforeEach
    void start() throws Exception {
        dlp = new DlpStandIn();
        Map<String, String> env = new HashMap<>(dlp.env());
        env.put("GOOGLE_DLP_MAX_ROWS", String.valueOf(MAX_ROWS));
        env.put("GOOGLE_DLP_RETRIES", "1");
        masker = GoogleDlp.fromEnv(env).orElseThrow().masker(MaskingPolicy.parse("types=EMAIL_ADDRESS;format=TOKEN", null));
    }

    @AfterEach
    void stop() {
        dlp.close();
    }

    /** CopyOutResponse (text, two columns), the rows (every third with an e-mail address), CopyDone, the end. */
    private static byte[] copyOut(int rows) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(msg('H', new byte[] {0, 0, 2, 0, 0, 0, 0}));
        for (int i = 1; i <= rows; i++) {
            String line = i + "\t" + (i % 3 == 0 ? "user" + i + "@example.com" : "plain " + i) + "\n";
            b.writeBytes(msg('d', line.getBytes(StandardCharsets.UTF_8)));
        }
        b.writeBytes(msg('c', new byte[0]));
        b.writeBytes(commandComplete("COPY " + rows));
        b.writeBytes(readyForQuery());
        return b.toByteArray();
    }

    private static byte[] notification(String payload) {
        return msg('A', concat(ByteBuffer.allocate(4).putInt(42).array(), cstring("events"), cstring(payload)));
    }

    /** Writes the bytes as one read and waits for what the stage passes on (off the loop, with a remote masker). */
    private static byte[] oneRead(TextMasker masker, byte[] in) {
        EmbeddedChannel ch = new EmbeddedChannel(new MaskingStage(masker, false, "pg"));
        ch.writeInbound(Unpooled.wrappedBuffer(in));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (out.size() == 0 && ch.isOpen() && System.nanoTime() < deadline) {
            ch.runPendingTasks(); // the stage hands its result back to the (embedded) loop
            out.writeBytes(readAll(ch));
            Thread.onSpinWait();
        }
        ch.runPendingTasks();
        out.writeBytes(readAll(ch));
        return out.toByteArray();
    }

    @Test
    void aCopyOfNRowsInOneReadCostsOneRequestPerMaxRows() {
        int rows = 250;
        byte[] out = oneRead(masker, copyOut(rows));
        assertThat(dlp.rowsPerRequest()).containsExactly(100, 100, 50); // ceil(250 / 100) requests, not 250
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("@example.com").contains("3\t[EMAIL_ADDRESS]\n").contains("249\t[EMAIL_ADDRESS]\n")
                .contains("250\tplain 250\n");
        assertThat(messages(out)).hasSize(rows + 4);
    }

    @Test
    void batchedOutputIsByteIdenticalToMaskingEachTextAlone() {
        byte[] in = concat(fields('N', "S", "NOTICE", "M", "mail " + EMAIL, "D", "detail"), notification("to " + EMAIL),
                rowDescription(col("id", INT4, 0), col("email", TEXT, 0)), dataRow("1", EMAIL), dataRow("2", null),
                commandComplete("SELECT 2"), copyOut(120), fields('E', "S", "ERROR", "C", "23505", "M", "dup", "D",
                        "Key (email)=(" + EMAIL + ") exists"), readyForQuery());
        byte[] batched = oneRead(masker, in);
        int requests = dlp.rowsPerRequest().size();
        // the same masker used as the stage uses a local one: one call per value and per text
        byte[] oneByOne = oneRead(new ForwardingMasker(masker), in);

        assertThat(batched).isEqualTo(oneByOne);
        assertThat(new String(batched, StandardCharsets.UTF_8)).doesNotContain("@example.com");
        // Batched: the rows in one request; the 125 texts (2 of the notice, 1 payload, 120 COPY rows, 2 of the error) in 2.
        assertThat(requests).isEqualTo(3);
        assertThat(dlp.rowsPerRequest().size() - requests).isGreaterThan(125);
    }

    @Test
    void aFailureMidBatchFailsTheReadClosed() {
        dlp.fail(new DlpStandIn.Fault(200, 0, null), DlpStandIn.Fault.status(500), DlpStandIn.Fault.status(500));
        byte[] out = oneRead(masker, copyOut(250));
        assertThat(dlp.rowsPerRequest()).containsExactly(100, 100, 100); // the first batch, then the second twice (one retry)
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("@example.com").doesNotContain("plain");
        MaskingStageMessages.Msg error = onlyMessage(out); // not even the rows of the batch that was masked
        assertThat(error.type()).isEqualTo('E');
        assertThat(field(error, 'S')).isEqualTo("FATAL");
        assertThat(field(error, 'M')).startsWith("data masking: Google DLP answered 500");
    }
}
