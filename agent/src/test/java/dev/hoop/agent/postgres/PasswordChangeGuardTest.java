package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PasswordChangeGuardTest {
    private static final String PAD = "x".repeat(2_000_000);

    static Stream<Arguments> statements() {
        return Stream.of(
                Arguments.of("ALTER USER bob PASSWORD 'x'", true),
                Arguments.of("alter role bob with encrypted password 'md5abc'", true),
                Arguments.of("ALTER ROLE CURRENT_USER PASSWORD NULL", true),
                Arguments.of("  Alter\n  User\tbob\n  Password 'x'", true),
                Arguments.of("ALTER/**/USER bob PASSWORD 'x'", true),
                Arguments.of("ALTER USER -- comment\n bob PASSWORD 'x'", true),
                Arguments.of("select 1; alter user bob password 'x'; select 2", true),
                Arguments.of("DO $$ BEGIN EXECUTE 'ALTER USER bob PASSWORD ''x'''; END $$", true),
                Arguments.of("DO $body$ BEGIN EXECUTE E'ALTER /* c */ ROLE bob PASSWORD \\'x\\''; END $body$", true),
                // padding: comments and literals of any size before or inside the statement
                Arguments.of("/* " + PAD + " */ ALTER ROLE bob PASSWORD 'x'", true),
                Arguments.of("ALTER /* " + PAD + " */ ROLE bob PASSWORD 'x'", true),
                Arguments.of("ALTER ROLE bob -- " + PAD + "\n PASSWORD 'x'", true),
                Arguments.of("ALTER ROLE bob PASSWORD '" + PAD + "'", true),
                Arguments.of("select '" + PAD + "'; ALTER ROLE bob PASSWORD 'x'", true),
                Arguments.of("select $p$" + PAD + "$p$; ALTER ROLE bob PASSWORD 'x'", true),
                Arguments.of("select E'\\'; ALTER ROLE bob PASSWORD ''x''; select ''", true),
                Arguments.of("select \"" + "a".repeat(10) + "\" ; alter role bob password 'x'", true),
                // what looks like one but is data, or another statement
                // deliberately wide: a kept literal is read as SQL too (dynamic SQL in EXECUTE)
                Arguments.of("select 'ALTER ROLE bob PASSWORD'", true),
                Arguments.of("ALTER USER bob VALID UNTIL 'infinity'", false),
                Arguments.of("ALTER ROLE bob SET search_path = a; select 'password'", false),
                Arguments.of("select password from users", false),
                Arguments.of("CREATE TABLE alter_user_password (id int)", false),
                Arguments.of("ALTER TABLE users ADD COLUMN password text", false),
                Arguments.of("ALTER ROLE bob SET password_encryption = 'scram-sha-256'", false),
                Arguments.of("insert into t values ('" + PAD + " alter role bob password x')", false));
    }

    @ParameterizedTest(name = "[{index}] refused={1}")
    @MethodSource("statements")
    void refusesExactlyThePasswordChanges(String sql, boolean refused) {
        assertThat(PasswordChangeGuard.refuses(sql)).isEqualTo(refused);
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

    /** Runs a Query through the filter in 64 KiB chunks; true when it left with its NUL spoiled. */
    private static boolean refusedByFilter(String sql) {
        ClientFilter filter = new ClientFilter(new NoSession(), new RefusalMarkers());
        filter.filter(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode());
        byte[] query = FrontendMessages.query(sql);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < query.length; i += 65536) {
            out.writeBytes(filter.filter(Arrays.copyOfRange(query, i, Math.min(query.length, i + 65536))));
        }
        byte[] sent = out.toByteArray();
        assertThat(sent).hasSameSizeAs(query);
        assertThat(Arrays.copyOf(sent, sent.length - 1)).isEqualTo(Arrays.copyOf(query, query.length - 1));
        return sent[sent.length - 1] != 0;
    }

    @Test
    void aTwentyMegabyteLiteralInsertPasses() {
        assertThat(refusedByFilter("insert into t values ('" + "x".repeat(20_000_000) + "')")).isFalse();
    }

    @Test
    void aPaddedPasswordChangeIsRefusedByTheFilter() {
        assertThat(refusedByFilter("select '" + PAD + "'; /* " + PAD + " */ ALTER ROLE bob PASSWORD 'x'")).isTrue();
    }

    @Test
    void aStatementWithMoreTokensThanTheBoundIsRefusedNamingTheBound() {
        String sql = "select " + "1,".repeat(600_000) + "1";
        assertThat(refusedByFilter(sql)).isTrue();
        ErrorResponse refusal = PasswordChangeGuard.tooLargeToCheck();
        assertThat(refusal.sqlState()).isEqualTo("54000");
        assertThat(refusal.message()).isEqualTo(
                "statement with more than 1048576 bytes of SQL outside literals and comments is larger than hoop checks");
        assertThat(PasswordChangeGuard.refuses(sql)).isTrue();
    }
}
