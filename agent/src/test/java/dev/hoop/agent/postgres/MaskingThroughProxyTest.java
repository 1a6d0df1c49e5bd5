package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.exec.CollectedOutput;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real psql through the proxy with data masking (every info type), to the shared PostgreSQL. */
class MaskingThroughProxyTest {
    private static SharedServer server;
    private static EventLoopGroup group;
    private static TunnelHarness tunnel;

    @BeforeAll
    static void start() throws Exception {
        server = new SharedServer();
        group = SharedServer.eventLoops();
        tunnel = new TunnelHarness(new PostgresHandlers(group), server.params(),
                SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null));
    }

    @AfterAll
    static void stop() throws Exception {
        tunnel.close();
        group.shutdownGracefully().syncUninterruptibly();
        server.close();
    }

    @Test
    void aLargeCopyOutIsMaskedRowByRowAndComplete() throws Exception {
        Psql.Result r = Psql.run(tunnel.port(), "anyone", "x",
                "\\copy (select g, 'user' || g || '@example.com', repeat('x', 960) from generate_series(1, 20000) g) to stdout");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().lines().count()).isEqualTo(20_000);
        assertThat(r.stdout()).doesNotContain("@example.com");
        assertThat(r.stdout().lines().findFirst().orElseThrow()).isEqualTo("1\t[EMAIL_ADDRESS]\t" + "x".repeat(960));
    }

    @Test
    void aLargeResultIsMaskedAndComplete() throws Exception {
        Psql.Result r = Psql.run(tunnel.port(), "anyone", "x",
                "select g, 'user' || g || '@example.com' as email, md5(g::text) from generate_series(1, 50000) g");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout().lines().count()).isEqualTo(50_000);
        assertThat(r.stdout()).doesNotContain("@example.com");
        assertThat(r.stdout().lines().skip(41).findFirst().orElseThrow()).startsWith("42|[EMAIL_ADDRESS]|");
    }

    @Test
    void execResultsAreMaskedAndABinaryCopyFailsClosedWithExitCodeNotZero() throws Exception {
        SessionMasking masking = SessionMasking.of("types=EMAIL_ADDRESS;columns=secret;format=TOKEN", null);
        CollectedOutput ok = new CollectedOutput();
        new PostgresHandlers(group).runSql(server.params(), ("select 'a@example.com' as email, 'x' as secret, 7 as n;")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), ok, masking);
        assertThat(ok.awaitExit()).isZero();
        assertThat(ok.text("out")).contains("[EMAIL_ADDRESS]").doesNotContain("a@example.com").contains(" 7");
        assertThat(ok.text("out").lines().filter(l -> l.contains("[EMAIL_ADDRESS]")).findFirst().orElseThrow()).doesNotContain(" x ");

        CollectedOutput refused = new CollectedOutput();
        new PostgresHandlers(group).runSql(server.params(), "copy (select 'b@example.com') to stdout with (format binary);"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), refused, masking);
        assertThat(refused.awaitExit()).isNotZero();
        assertThat(refused.text("out") + refused.text("err")).doesNotContain("b@example.com");
        assertThat(refused.text("err")).contains("binary COPY cannot be masked");
    }

    @Test
    void errorsEchoingAValueAreMasked() throws Exception {
        Psql.Result r = Psql.run(tunnel.port(), "anyone", "x",
                "create temp table u (email text primary key); insert into u values ('dup@example.com'), ('dup@example.com')");
        assertThat(r.stderr()).contains("duplicate key").contains("[EMAIL_ADDRESS]").doesNotContain("dup@example.com");
    }
}
