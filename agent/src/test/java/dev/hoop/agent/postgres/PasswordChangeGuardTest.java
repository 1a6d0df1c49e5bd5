package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PasswordChangeGuardTest {

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
                Arguments.of("ALTER USER bob VALID UNTIL 'infinity'", false),
                Arguments.of("ALTER ROLE bob SET search_path = a; select 'password'", false),
                Arguments.of("select password from users", false),
                Arguments.of("CREATE TABLE alter_user_password (id int)", false),
                Arguments.of("ALTER TABLE users ADD COLUMN password text", false));
    }

    @ParameterizedTest(name = "[{index}] refused={1}")
    @MethodSource("statements")
    void refusesExactlyThePasswordChanges(String sql, boolean refused) {
        assertThat(PasswordChangeGuard.refuses(sql)).isEqualTo(refused);
    }
}
