package dev.hoop.agent.dlp.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.hoop.agent.dlp.MaskingProvider;
import dev.hoop.agent.dlp.MaskingUnavailableException;
import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.MaskingPolicy;
import dev.hoop.agent.masking.StreamMasker;
import dev.hoop.agent.dlp.gcp.DlpStandIn.Fault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The Google DLP provider against {@link DlpStandIn}: token exchange, batching, mapping, retries, failing closed. */
class GoogleDlpTest {
    private static final String[] COLUMNS = {"id", "email"};
    private DlpStandIn dlp;
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void start() throws Exception {
        dlp = new DlpStandIn();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("dev.hoop.agent.dlp")).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("dev.hoop.agent.dlp")).detachAppender(logs);
        dlp.close();
        // Whatever happened, neither the key nor a token reached a log line.
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain("PRIVATE KEY").doesNotContain("tok-").doesNotContain("@example.com");
        }
    }

    private TextMasker masker(String config, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(dlp.env());
        env.putAll(extra);
        MaskingProvider provider = GoogleDlp.fromEnv(env).orElseThrow();
        return provider.masker(MaskingPolicy.parse(config, null));
    }

    private TextMasker masker(Map<String, String> extra) {
        return masker("types=EMAIL_ADDRESS;format=TOKEN", extra);
    }

    private static List<String[]> rows(int n) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(new String[] {String.valueOf(i), "user" + i + "@example.com"});
        }
        return rows;
    }

    @Test
    void rowsAreMaskedCellByCellWithOneTokenAndCountsFromTheSummaries() {
        TextMasker m = masker(Map.of());
        List<String[]> rows = new ArrayList<>(rows(3));
        rows.add(new String[] {"4", null});
        List<String[]> out = m.maskRows(COLUMNS, rows);
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).containsExactly("1", "[EMAIL_ADDRESS]");
        assertThat(out.get(2)).containsExactly("3", "[EMAIL_ADDRESS]");
        assertThat(out.get(3)).containsExactly("4", null);
        assertThat(out.get(0)[0]).isSameAs(rows.get(0)[0]); // unchanged: the same instance, as maskValue's contract says
        assertThat(m.maskText("write to a@example.com please")).isEqualTo("write to [EMAIL_ADDRESS] please");
        assertThat(m.counts()).isEqualTo(Map.of(InfoType.EMAIL_ADDRESS, 4L));
        assertThat(dlp.tokensIssued()).isEqualTo(1);
        assertThat(dlp.refusals).isEmpty();
        JsonNode first = dlp.requests.get(0);
        assertThat(first.path("item").path("table").path("headers").toString()).isEqualTo("[{\"name\":\"c0\"},{\"name\":\"c1\"}]");
        assertThat(first.path("inspectConfig").toString()).isEqualTo("{\"infoTypes\":[{\"name\":\"EMAIL_ADDRESS\"}]}");
        assertThat(first.path("deidentifyConfig").toString()).isEqualTo("{\"infoTypeTransformations\":{\"transformations\":"
                + "[{\"infoTypes\":[{\"name\":\"EMAIL_ADDRESS\"}],\"primitiveTransformation\":{\"replaceWithInfoTypeConfig\":{}}}]}}");
        assertThat(dlp.rowsPerRequest()).containsExactly(4, 1);
    }

    @Test
    void batchesAreBoundedByRowsAndByBytes() {
        masker(Map.of("GOOGLE_DLP_MAX_ROWS", "3")).maskRows(COLUMNS, rows(7));
        assertThat(dlp.rowsPerRequest()).containsExactly(3, 3, 1);

        dlp.requests.clear();
        dlp.requestBytes.clear();
        List<String[]> big = rows(100);
        List<String[]> out = masker(Map.of("GOOGLE_DLP_MAX_BYTES", "2000")).maskRows(COLUMNS, big);
        assertThat(dlp.rowsPerRequest().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(dlp.requests.size()).isBetween(4, 6);
        // Packed: each request but the last within one row (under 60 bytes) of the bound, never over it.
        assertThat(dlp.requestBytes.subList(0, dlp.requestBytes.size() - 1)).allSatisfy(n -> assertThat(n).isBetween(1940, 2000));
        assertThat(out.get(99)).containsExactly("100", "[EMAIL_ADDRESS]"); // mapped back across batches, in order
    }

    @Test
    void textsGoAsOneColumnInBatchesBoundedLikeRows() {
        TextMasker m = masker(Map.of("GOOGLE_DLP_MAX_ROWS", "3"));
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            texts.add(i % 2 == 0 ? "mail user" + i + "@example.com" : "plain " + i);
        }
        texts.add("");
        List<String> out = m.maskTexts(texts);
        assertThat(dlp.rowsPerRequest()).containsExactly(3, 3, 1); // the empty text is not sent
        assertThat(dlp.requests.get(0).path("item").path("table").path("headers").size()).isEqualTo(1);
        assertThat(out).containsExactly("plain 1", "mail [EMAIL_ADDRESS]", "plain 3", "mail [EMAIL_ADDRESS]", "plain 5",
                "mail [EMAIL_ADDRESS]", "plain 7", "");
        assertThat(out.get(0)).isSameAs(texts.get(0)); // unchanged: the same instance, as maskText's contract says
        for (int i = 0; i < texts.size(); i++) {
            assertThat(out.get(i)).isEqualTo(m.maskText(texts.get(i)));
        }
    }

    @Test
    void aRowLargerThanARequestIsRefusedAndNothingIsSent() {
        TextMasker m = masker(Map.of("GOOGLE_DLP_MAX_BYTES", "1024"));
        List<String[]> rows = List.<String[]>of(new String[] {"1", "x".repeat(2000) + " a@example.com"});
        assertThatThrownBy(() -> m.maskRows(COLUMNS, rows)).isInstanceOf(MaskingUnavailableException.class)
                .hasMessageContaining("exceeds the 1024 bytes per Google DLP request").hasMessageNotContaining("example.com");
        assertThat(dlp.requests).isEmpty();
    }

    @Test
    void columnRulesMaskInTheAgentAndThoseValuesAreNeverSent() {
        TextMasker m = masker("types=EMAIL_ADDRESS;columns=secret;format=TOKEN", Map.of());
        List<String[]> out = m.maskRows(new String[] {"secret", "email"}, List.<String[]>of(new String[] {"hunter2", "b@example.com"}));
        assertThat(out.get(0)[0]).isNotEqualTo("hunter2");
        assertThat(out.get(0)[1]).isEqualTo("[EMAIL_ADDRESS]");
        assertThat(dlp.requests.toString()).doesNotContain("hunter2").doesNotContain("secret");
        assertThat(m.counts()).containsEntry(InfoType.COLUMN, 1L).containsEntry(InfoType.EMAIL_ADDRESS, 1L);

        TextMasker onlyColumns = masker("columns=secret", Map.of());
        assertThat(onlyColumns.maskText("a@example.com")).isEqualTo("a@example.com");
        assertThat(dlp.requests).hasSize(1); // no type for DLP: no request at all
    }

    @Test
    void formatsAndInfoTypeNamesMapToDlpTransformations() {
        masker("types=EMAIL_ADDRESS,AWS_ACCESS_KEY,BEARER_TOKEN;format=TOKEN;format.EMAIL_ADDRESS=KEEP_SHAPE", Map.of())
                .maskText("a@example.com");
        ArrayNode transformations = (ArrayNode) dlp.requests.get(0).path("deidentifyConfig").path("infoTypeTransformations")
                .path("transformations");
        assertThat(transformations.toString())
                .contains("{\"infoTypes\":[{\"name\":\"EMAIL_ADDRESS\"}],\"primitiveTransformation\":{\"characterMaskConfig\":"
                        + "{\"maskingCharacter\":\"*\",\"charactersToIgnore\":[{\"commonCharactersToIgnore\":\"PUNCTUATION\"}]}}}")
                .contains("{\"infoTypes\":[{\"name\":\"AWS_CREDENTIALS\"},{\"name\":\"AUTH_TOKEN\"}],"
                        + "\"primitiveTransformation\":{\"replaceWithInfoTypeConfig\":{}}}");
    }

    @Test
    void a500IsRetriedAndSucceeds_butThreeFailClosedWithoutQuotingTheAnswer() {
        TextMasker m = masker(Map.of());
        dlp.fail(Fault.status(500), Fault.status(429));
        assertThat(m.maskText("c@example.com")).isEqualTo("[EMAIL_ADDRESS]");
        assertThat(dlp.requests).hasSize(3);

        dlp.fail(Fault.status(503), Fault.status(500), Fault.status(500));
        assertThatThrownBy(() -> m.maskText("d@example.com")).isInstanceOf(MaskingUnavailableException.class)
                .hasMessage("Google DLP answered 500 INTERNAL; gave up after 3 attempts");
        assertThat(dlp.requests).hasSize(6);
    }

    @Test
    void a400IsNotRetried() {
        TextMasker m = masker(Map.of());
        dlp.fail(Fault.status(400));
        assertThatThrownBy(() -> m.maskText("e@example.com")).isInstanceOf(MaskingUnavailableException.class)
                .hasMessageStartingWith("Google DLP answered 400 INTERNAL for http://127.0.0.1:")
                .hasMessageEndingWith("/v2/projects/test-project/content:deidentify (not retried)");
        assertThat(dlp.requests).hasSize(1);
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetriedWithinTheBound() {
        TextMasker m = masker(Map.of("GOOGLE_DLP_TIMEOUT_MS", "300", "GOOGLE_DLP_RETRIES", "1"));
        m.maskText("warm@example.com"); // the token, outside the timed part
        dlp.fail(Fault.delay(3_000), Fault.delay(3_000));
        long start = System.nanoTime();
        assertThatThrownBy(() -> m.maskText("f@example.com")).isInstanceOf(MaskingUnavailableException.class)
                .hasMessageContaining("HttpTimeoutException").hasMessageEndingWith("gave up after 2 attempts");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_500);
    }

    @Test
    void answersThatDoNotFitTheTableFailClosed() {
        TextMasker m = masker(Map.of());
        dlp.fail(Fault.change(a -> {
            ((ArrayNode) a.path("item").path("table").path("rows")).remove(0);
            return a;
        }));
        assertThatThrownBy(() -> m.maskRows(COLUMNS, rows(2))).isInstanceOf(MaskingUnavailableException.class)
                .hasMessage("Google DLP answered a deidentify request with a malformed table (1 rows for the 2 sent); the data was withheld");

        dlp.fail(Fault.change(a -> {
            ((ArrayNode) a.path("item").path("table").path("rows").get(0).path("values")).remove(1);
            return a;
        }));
        assertThatThrownBy(() -> m.maskRows(COLUMNS, rows(1))).hasMessageContaining("row 1 has 1 values for the 2 sent");

        dlp.fail(Fault.change(a -> {
            a.remove("item");
            return a;
        }));
        assertThatThrownBy(() -> m.maskRows(COLUMNS, rows(1))).hasMessageContaining("no item.table.rows");

        dlp.fail(Fault.change(a -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) a.path("item").path("table").path("rows").get(0).path("values").get(1))
                    .remove("stringValue");
            return a;
        }));
        assertThatThrownBy(() -> m.maskRows(COLUMNS, rows(1))).hasMessageContaining("row 1 value 2 is not a string");

        dlp.fail(Fault.change(a -> {
            ((ArrayNode) a.path("overview").path("transformationSummaries")).addObject().putArray("results").addObject()
                    .put("count", "2").put("code", "ERROR");
            return a;
        }));
        assertThatThrownBy(() -> m.maskRows(COLUMNS, rows(1))).hasMessage("Google DLP could not transform 2 value(s); the data was withheld");
    }

    @Test
    void a401GetsANewTokenOnce() {
        TextMasker m = masker(Map.of());
        m.maskText("g@example.com");
        dlp.fail(Fault.status(401));
        assertThat(m.maskText("h@example.com")).isEqualTo("[EMAIL_ADDRESS]");
        assertThat(dlp.tokensIssued()).isEqualTo(2);
    }

    @Test
    void aKeyTheTokenEndpointDoesNotKnowFailsClosed() throws Exception {
        try (DlpStandIn other = new DlpStandIn()) {
            Map<String, String> env = new HashMap<>(dlp.env());
            // The other key signs: the stand-in's check of the signature refuses it.
            env.put("GOOGLE_APPLICATION_CREDENTIALS_JSON", other.credentialsJson().replace(other.baseUrl(), dlp.baseUrl()));
            TextMasker m = GoogleDlp.fromEnv(env).orElseThrow().masker(MaskingPolicy.parse("types=EMAIL_ADDRESS", null));
            assertThatThrownBy(() -> m.maskText("i@example.com")).isInstanceOf(MaskingUnavailableException.class)
                    .hasMessageContaining("answered 400 for service account " + DlpStandIn.CLIENT_EMAIL);
            assertThat(dlp.refusals).contains("bad signature");
            assertThat(dlp.requests).isEmpty();
        }
    }

    @Test
    void streamsSendWholeLinesAndWithholdTheUnfinishedOne() {
        StreamMasker s = masker(Map.of()).stream();
        assertThat(s.push("one j@exa")).isEmpty();
        assertThat(s.push("mple.com\ntwo k@")).isEqualTo("one [EMAIL_ADDRESS]\n");
        assertThat(s.flush()).isEqualTo("two k@");
        assertThat(s.push("example.com")).isEqualTo("");
        // flush() split the value (its documented price, paid only after a pause): the rest alone is no address.
        assertThat(s.finish()).isEqualTo("example.com");
        String longLine = "word ".repeat(DlpStream.MAX_WITHHELD / 5 + 10);
        assertThat(s.finish()).isEmpty();
        StreamMasker t = masker(Map.of()).stream();
        String out = t.push(longLine);
        assertThat(out).isNotEmpty().endsWith(" ");
        assertThat(out + t.finish()).isEqualTo(longLine);
    }

    @Test
    void commandOutputIsMaskedAndWhenDlpFailsTheRestIsWithheldWithTheReason() throws Exception {
        dev.hoop.agent.dlp.SessionMasking masking = dev.hoop.agent.dlp.SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null,
                GoogleDlp.fromEnv(dlp.env()).orElseThrow());
        dev.hoop.agent.exec.CollectedOutput collected = new dev.hoop.agent.exec.CollectedOutput();
        dev.hoop.agent.exec.ProcessOutput out = dev.hoop.agent.exec.MaskedOutput.of(masking, collected);
        out.stdout("to l@example.com\nand m@exa".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        dlp.fail(Fault.status(500), Fault.status(500), Fault.status(500));
        out.stdout("mple.com\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.stdout("n@example.com\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.exited(0);
        assertThat(collected.awaitExit()).isEqualTo(1);
        assertThat(collected.text("out")).isEqualTo("to [EMAIL_ADDRESS]\n");
        assertThat(collected.text("err")).isEqualTo("hoop: data masking failed (Google DLP answered 500 INTERNAL; gave up after"
                + " 3 attempts); the rest of the output was withheld\n");
        assertThat(masking.summaryJson()).isEqualTo("{\"EMAIL_ADDRESS\":1}");
    }

    @Test
    void noProviderWithoutCredentials() {
        assertThat(GoogleDlp.fromEnv(Map.of())).isEmpty();
        assertThat(GoogleDlp.fromEnv(Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON", " "))).isEmpty();
    }
}
