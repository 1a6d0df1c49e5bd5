package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.MaskingProvider;
import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.dlp.gcp.DlpStandIn;
import dev.hoop.agent.dlp.gcp.GoogleDlp;
import dev.hoop.agent.exec.CollectedOutput;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real psql through the proxy, to the shared PostgreSQL, with Google DLP as the masker (a local
 * stand-in of the API, {@link DlpStandIn}): rows are masked in batches; when DLP fails, psql gets
 * the error and no clear value.
 */
class DlpThroughProxyTest {
    private static SharedServer server;
    private static EventLoopGroup group;
    private static DlpStandIn dlp;
    private static MaskingProvider provider;

    @BeforeAll
    static void start() throws Exception {
        server = new SharedServer();
        group = SharedServer.eventLoops();
        dlp = new DlpStandIn();
        Map<String, String> env = new HashMap<>(dlp.env());
        env.put("GOOGLE_DLP_RETRIES", "1");
        provider = GoogleDlp.fromEnv(env).orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        dlp.close();
        group.shutdownGracefully().syncUninterruptibly();
        server.close();
    }

    private static TunnelHarness tunnel(String config) throws Exception {
        return new TunnelHarness(new PostgresHandlers(group), server.params(), SessionMasking.of(config, null, provider));
    }

    @Test
    void rowsAreMaskedInBatchesAndTheRestPassesUnchanged() throws Exception {
        try (TunnelHarness tunnel = tunnel("types=EMAIL_ADDRESS;format=TOKEN")) {
            int before = dlp.rowsPerRequest().size();
            Psql.Result r = Psql.run(tunnel.port(), "anyone", "x",
                    "select g, 'user' || g || '@example.com' as email, null as nothing from generate_series(1, 2000) g");
            assertThat(r.stderr()).isEmpty();
            assertThat(r.stdout().lines().count()).isEqualTo(2000);
            assertThat(r.stdout()).doesNotContain("@example.com");
            assertThat(r.stdout().lines().skip(41).findFirst().orElseThrow()).isEqualTo("42|[EMAIL_ADDRESS]|");
            var batches = dlp.rowsPerRequest().subList(before, dlp.rowsPerRequest().size());
            assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2000);
            assertThat(batches.size()).isLessThan(200); // batched per read, not a request per row
        }
    }

    @Test
    void copyRowsAreMaskedInBatchesNotOneRequestEach() throws Exception {
        try (TunnelHarness tunnel = tunnel("types=EMAIL_ADDRESS;format=TOKEN")) {
            int before = dlp.rowsPerRequest().size();
            Psql.Result r = Psql.run(tunnel.port(), "anyone", "x",
                    "copy (select g, 'user' || g || '@example.com' from generate_series(1, 2000) g) to stdout");
            assertThat(r.stderr()).isEmpty();
            assertThat(r.stdout().lines().count()).isEqualTo(2000);
            assertThat(r.stdout()).doesNotContain("@example.com");
            assertThat(r.stdout().lines().skip(41).findFirst().orElseThrow()).isEqualTo("42\t[EMAIL_ADDRESS]");
            var batches = dlp.rowsPerRequest().subList(before, dlp.rowsPerRequest().size());
            assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2000);
            assertThat(batches.size()).isLessThan(200); // batched per read, not a request per COPY row
        }
    }

    /**
     * pgjdbc describes the portal of a server-prepared statement's first run and later re-binds the
     * statement without a Describe: the statement's columns come from that portal description (this
     * failed closed with either provider before).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void extendedProtocolRowsOfAPreparedStatementAreMasked(boolean googleDlp) throws Exception {
        try (TunnelHarness tunnel = new TunnelHarness(new PostgresHandlers(group), server.params(),
                SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null, googleDlp ? provider : MaskingProvider.BUILT_IN));
             java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tunnel.port()
                     + "/whatever?user=anyone&prepareThreshold=1&binaryTransfer=true");
             java.sql.PreparedStatement ps = c.prepareStatement("select g, 'u' || g || '@example.com' from generate_series(1, ?) g")) {
            for (int run = 1; run <= 3; run++) { // the third run executes the server-prepared statement without a Describe
                ps.setInt(1, 50 * run);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                        assertThat(rs.getInt(1)).isEqualTo(n);
                        assertThat(rs.getString(2)).isEqualTo("[EMAIL_ADDRESS]");
                    }
                    assertThat(n).isEqualTo(50 * run);
                }
            }
        }
    }

    @Test
    void whenDlpFailsPsqlGetsTheErrorAndNoClearValue() throws Exception {
        try (TunnelHarness tunnel = tunnel("types=EMAIL_ADDRESS;format=TOKEN")) {
            dlp.fail(DlpStandIn.Fault.status(500), DlpStandIn.Fault.status(500));
            Psql.Result r = Psql.run(tunnel.port(), "anyone", "x", "select 'leak@example.com' as email");
            assertThat(r.stdout() + r.stderr()).doesNotContain("leak@example.com");
            assertThat(r.stderr()).contains("data masking: Google DLP answered 500 INTERNAL; gave up after 2 attempts");
            assertThat(r.exitCode()).isNotZero();
        }
    }

    @Test
    void execResultsAreMaskedAndFailClosed() throws Exception {
        SessionMasking masking = SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null, provider);
        CollectedOutput ok = new CollectedOutput();
        new PostgresHandlers(group).runSql(server.params(), "select 'a@example.com' as email, 7 as n;"
                .getBytes(StandardCharsets.UTF_8), ok, masking);
        assertThat(ok.awaitExit()).isZero();
        assertThat(ok.text("out")).contains("[EMAIL_ADDRESS]").doesNotContain("a@example.com");

        dlp.fail(DlpStandIn.Fault.status(503), DlpStandIn.Fault.status(503));
        CollectedOutput failed = new CollectedOutput();
        new PostgresHandlers(group).runSql(server.params(), "select 'b@example.com' as email;".getBytes(StandardCharsets.UTF_8),
                failed, masking);
        assertThat(failed.awaitExit()).isNotZero();
        assertThat(failed.text("out") + failed.text("err")).doesNotContain("b@example.com");
        assertThat(failed.text("err")).contains("Google DLP answered 503");
    }
}
