package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.gateway.search.SearchQuery.Term;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchQueryTest {

    @Test
    void parsesQualifiersWordsPhrasesAndNegations() {
        SearchQuery q = SearchQuery.parse("connection:PG user:Alice@Example.com verb:exec is:error \"drop table\" after:2026-11-01 "
                + "-exit:0 select connection:\"my db\" id:3F2A -\"rm -rf\"");
        assertThat(q.terms()).containsExactly(
                new Term("connection", "pg", false, false),
                new Term("user", "alice@example.com", false, false),
                new Term("verb", "exec", false, false),
                new Term("is", "error", false, false),
                new Term(null, "drop table", true, false),
                new Term("after", "2026-11-01", false, false),
                new Term("exit", "0", false, true),
                new Term(null, "select", false, false),
                new Term("connection", "my db", false, false),
                new Term("id", "3f2a", false, false),
                new Term(null, "rm -rf", true, true));
    }

    @Test
    void emptyAndBlankQueriesHaveNoTerms() {
        assertThat(SearchQuery.parse("").terms()).isEmpty();
        assertThat(SearchQuery.parse("   \t ").terms()).isEmpty();
        assertThat(SearchQuery.parse("\"\"").terms()).isEmpty();
        assertThat(SearchQuery.parse(null).terms()).isEmpty();
    }

    @Test
    void aColonInsideAWordAfterAQuoteOrAUrlIsNotAQualifierWhenQuoted() {
        assertThat(SearchQuery.parse("\"http://x\"").terms()).containsExactly(new Term(null, "http://x", true, false));
        // a lone '-' is a word, not a negation of nothing
        assertThat(SearchQuery.parse("- x").terms()).containsExactly(new Term(null, "-", false, false), new Term(null, "x", false, false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo:bar|unknown qualifier 'foo:' (expected one of: connection, user, verb, type, exit, is, id, after, before; or quote the text: \"foo:\")",
            "verb:run|verb:run is not valid (expected: connect or exec)",
            "type:mysql|type:mysql is not valid (expected: postgres, tcp, command-line or http)",
            "is:broken|is:broken is not valid (expected: error, ok, open or done)",
            "exit:one|exit:one is not valid (expected: an exit code, e.g. exit:1)",
            "exit:99999999999|exit:99999999999 is not valid (expected: an exit code, e.g. exit:1)",
            "id:xyz|id:xyz is not valid (expected: a session id or its first 4+ characters)",
            "id:3f2|id:3f2 is not valid (expected: a session id or its first 4+ characters)",
            "after:2026-13-01|after:2026-13-01 is not valid (expected: YYYY-MM-DD or an ISO-8601 date-time such as 2026-11-01T10:00:00Z)",
            "before:yesterday|before:yesterday is not valid (expected: YYYY-MM-DD or an ISO-8601 date-time such as 2026-11-01T10:00:00Z)",
            "connection:|'connection:' has no value (expected e.g. connection:pg)",
            "user:\"\"|'user:' has no value (expected e.g. user:alice@example.com)",
            "\"drop table|unclosed quote at character 1 (expected: a closing \")",
            "select connection:\"pg|unclosed quote at character 19 (expected: a closing \")",
    })
    void badQueriesSayWhatWasWrong(String q, String message) {
        assertThatThrownBy(() -> SearchQuery.parse(q)).isInstanceOf(BadQueryException.class).hasMessage(message);
    }

    @Test
    void oversizedQueriesAreRefusedBeforeParsing() {
        String huge = "a".repeat(SearchQuery.MAX_LENGTH + 1);
        assertThatThrownBy(() -> SearchQuery.parse(huge)).hasMessage("q: 1025 characters (expected: at most 1024)");
        String many = String.join(" ", java.util.Collections.nCopies(SearchQuery.MAX_TERMS + 1, "w"));
        assertThatThrownBy(() -> SearchQuery.parse(many)).hasMessage("more than 32 terms at character 65 (expected: at most 32)");
        assertThat(SearchQuery.parse(String.join(" ", java.util.Collections.nCopies(SearchQuery.MAX_TERMS, "w"))).terms()).hasSize(32);
    }

    @Test
    void datesAndDateTimesAreInstantsInUtc() {
        assertThat(SearchQuery.instant("after", "2026-11-01").toString()).isEqualTo("2026-11-01T00:00Z");
        assertThat(SearchQuery.instant("after", "2026-11-01t10:00:00+02:00").toInstant().toString()).isEqualTo("2026-11-01T08:00:00Z");
        assertThat(List.of(SearchQuery.parse("after:2026-11-01T10:00:00Z").terms().getFirst().value())).containsExactly("2026-11-01t10:00:00z");
    }
}
