package dev.hoop.router.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostNamesTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"WWW.Example.COM:8080,www.example.com", "example.com,example.com",
            "[::1]:80,[::1]", "' spaced.test ',spaced.test", "null,''"})
    void normalizeStripsThePortAndLowercases(String header, String expected) {
        assertThat(HostNames.normalize(header)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo              | foo,*",
            "a.foo            | a.foo,*.foo,*",
            "a.b.c            | a.b.c,*.b.c,*.c,*",
            "a.b.c.d.e.f      | a.b.c.d.e.f,*.b.c.d.e.f,*.c.d.e.f,*.d.e.f,*.e.f,*.f,*",
            "x.a.b.c.d.e.f    | x.a.b.c.d.e.f,*.b.c.d.e.f,*.c.d.e.f,*.d.e.f,*.e.f,*.f,*",
            "y.x.a.b.c.d.e.f  | y.x.a.b.c.d.e.f,*.b.c.d.e.f,*.c.d.e.f,*.d.e.f,*.e.f,*.f,*"})
    void candidatesAreExactThenUpToFiveWildcardsThenStar(String host, String expected) {
        assertThat(HostNames.candidates(host)).isEqualTo(List.of(expected.split(",")));
    }
}
