package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.SessionMasking;
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
    void errorsEchoingAValueAreMasked() throws Exception {
        Psql.Result r = Psql.run(tunnel.port(), "anyone", "x",
                "create temp table u (email text primary key); insert into u values ('dup@example.com'), ('dup@example.com')");
        assertThat(r.stderr()).contains("duplicate key").contains("[EMAIL_ADDRESS]").doesNotContain("dup@example.com");
    }
}
