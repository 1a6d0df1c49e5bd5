package dev.hoop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresUriTest {

    @Test
    void decodesAnEncodedPasswordWithSpecialCharacters() {
        PostgresUri u = PostgresUri.parse("postgres://hoopuser:p%40ss%3Aw%2Frd%25@db.internal:6543/hoopdb?sslmode=require");
        assertThat(u.user()).isEqualTo("hoopuser");
        assertThat(u.password()).isEqualTo("p@ss:w/rd%");
        assertThat(u.host()).isEqualTo("db.internal");
        assertThat(u.port()).isEqualTo(6543);
        assertThat(u.database()).isEqualTo("hoopdb");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/hoopdb?sslmode=require");
        assertThat(u.toString()).doesNotContain("p@ss").contains("password=****");
    }

    /** Found by PostgresUriFuzzTest: a password given as a query parameter showed in toString(). */
    @Test
    void masksPasswordsGivenAsQueryParameters() {
        PostgresUri u = PostgresUri.parse("postgres://u@h/db?password=s3cret&sslpassword=k3y&application_name=x");
        assertThat(u.toString()).isEqualTo(
                "PostgresUri[jdbc:postgresql://h:5432/db?password=****&sslpassword=****&application_name=x, user=u, password=none]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgres://u:p@h/db                      | jdbc:postgresql://h:5432/db                      | u | p",
            "postgresql://u@h:5433/db                 | jdbc:postgresql://h:5433/db                      | u | ",
            "postgres://u:a+b@h/db?sslmode=VERIFY-FULL | jdbc:postgresql://h:5432/db?sslmode=verify-full | u | a+b",
            "postgres://us%20er:x@h/db?connect_timeout=5 | jdbc:postgresql://h:5432/db?connect_timeout=5  | us er | x",
    })
    void parsesTheSeedsForm(String uri, String jdbc, String user, String password) {
        PostgresUri u = PostgresUri.parse(uri);
        assertThat(u.jdbcUrl()).isEqualTo(jdbc);
        assertThat(u.user()).isEqualTo(user);
        assertThat(u.password()).isEqualTo(password);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mysql://u:p@h/db               | scheme 'mysql' (expected: postgres://user:password@host:5432/database)",
            "postgres://u:p@/db             | no host (expected: postgres://user:password@host:5432/database)",
            "postgres://u:p@h:0/db          | port 0 (expected: 1 to 65535)",
            "postgres://u:p@h:70000/db      | port 70000 (expected: 1 to 65535)",
            "postgres://u:p@h               | no database name in the path (expected: postgres://user:password@host:5432/database)",
            "postgres://h/db                | no user (expected: postgres://user:password@host:5432/database)",
            "postgres://u:p@h/db?sslmode=on | sslmode 'on' (expected: one of disable, allow, prefer, require, verify-ca, verify-full)",
            "postgres://u:p%zz@h/db         | not a URI (expected: postgres://user:password@host:5432/database, password URL-encoded)",
    })
    void rejectsWithWhatWasExpected(String uri, String message) {
        assertThatThrownBy(() -> PostgresUri.parse(uri)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
