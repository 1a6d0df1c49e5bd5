package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlLexerTest {
    private static final int HEAD = 8;

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("select 1", List.of("select 1")),
                Arguments.of("  SELECT\n\t a,b FROM t ;; ", List.of("SELECT a , b FROM t")),
                Arguments.of("select 1; select 2;", List.of("select 1", "select 2")),
                Arguments.of("select 1 -- one; two\n; select 2", List.of("select 1", "select 2")),
                Arguments.of("select 1 --; alter role\rx", List.of("select 1 x")),
                Arguments.of("alter/**/role", List.of("alter role")),
                Arguments.of("a /* x /* nested; */ still; */ b; c", List.of("a b", "c")),
                Arguments.of("a /*/ still */ b", List.of("a b")),
                Arguments.of("a /* **/ b", List.of("a b")),
                Arguments.of("select 'it''s; here'", List.of("select 'it''s; he…'")),
                Arguments.of("select 'short'", List.of("select 'short'")),
                Arguments.of("select 'a\\'; b", List.of("select 'a\\'", "b")),
                Arguments.of("select E'a\\'; b'; c", List.of("select 'a\\''; b'", "c")),
                Arguments.of("select e'x''y'", List.of("select 'x''y'")),
                Arguments.of("select xe'a\\'; b", List.of("select xe 'a\\'", "b")),
                Arguments.of("select \"a;\"\"b\" from t", List.of("select \"a;\"\"b\" from t")),
                Arguments.of("select $$a'; b$$; c", List.of("select 'a''; b'", "c")),
                Arguments.of("select $t$ $$ ; $t $t$; c", List.of("select ' $$ ; $t…'", "c")),
                Arguments.of("select $tt$x$t$y$$tt$z$tt$, 1", List.of("select 'x$t$y$' z$tt$ , 1")), // "$$tt$": the tag at the second "$"
                Arguments.of("select $1, $2::int", List.of("select $ 1 , $ 2 : : int")),
                Arguments.of("select a$$b", List.of("select a$$b")),
                Arguments.of("select 1$$x;$$", List.of("select 1 'x;'")),
                Arguments.of("select 1-2/3", List.of("select 1 - 2 / 3")),
                Arguments.of("select 'unterminated; x", List.of("select 'untermin…'")),
                Arguments.of("select /* unterminated; x", List.of("select")),
                Arguments.of("$a b", List.of("$ a b")),
                Arguments.of("", List.of()),
                Arguments.of(" ; -- only a comment", List.of()),
                Arguments.of("select 'é'", List.of("select 'é'")));
    }

    private static List<SqlLexer.Skeleton> lex(byte[] text, int[] cuts) {
        SqlLexer lexer = new SqlLexer(HEAD, 64);
        List<SqlLexer.Skeleton> out = new ArrayList<>();
        int p = 0;
        for (int cut : cuts) {
            lexer.feed(text, p, cut - p);
            out.addAll(lexer.takeStatements());
            p = cut;
        }
        lexer.feed(text, p, text.length - p);
        lexer.end();
        out.addAll(lexer.takeStatements());
        return out;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("texts")
    void skeletonsAreTheSameWhateverTheChunks(String sql, List<String> expected) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        List<SqlLexer.Skeleton> whole = lex(text, new int[0]);
        assertThat(whole).extracting(SqlLexer.Skeleton::text).containsExactlyElementsOf(expected);
        assertThat(whole).noneMatch(SqlLexer.Skeleton::overflowed);
        int[] everyByte = new int[text.length];
        for (int i = 0; i < text.length; i++) {
            everyByte[i] = i;
        }
        assertThat(lex(text, everyByte)).as("byte by byte").isEqualTo(whole);
        for (int cut = 0; cut <= text.length; cut++) {
            assertThat(lex(text, new int[] {cut})).as("split at %d", cut).isEqualTo(whole);
        }
        Random random = new Random(sql.hashCode());
        for (int round = 0; round < 50; round++) {
            int[] cuts = random.ints(random.nextInt(6), 0, text.length + 1).sorted().toArray();
            assertThat(lex(text, cuts)).as("cuts %s", java.util.Arrays.toString(cuts)).isEqualTo(whole);
        }
    }

    @Test
    void tokensKeepLiteralsAndQuotedIdentifiersWhole() {
        assertThat(new SqlLexer.Skeleton("alter 'a b''c' \"x y\" password", false).tokens())
                .containsExactly("alter", "'a b''c'", "\"x y\"", "password");
    }

    @Test
    void literalsAndCommentsOfAnySizeCostNothingButTokensOverTheBoundAreFlagged() {
        SqlLexer lexer = new SqlLexer(HEAD, 64);
        byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
        lexer.feed("insert into t values ('".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 300; i++) { // 20 MB of literal
            lexer.feed(chunk);
        }
        lexer.feed("') /* ".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 300; i++) { // and as much comment
            lexer.feed(chunk);
        }
        lexer.feed(" */; select ".getBytes(StandardCharsets.UTF_8));
        lexer.feed("a, ".repeat(40).getBytes(StandardCharsets.UTF_8));
        lexer.end();
        List<SqlLexer.Skeleton> statements = lexer.takeStatements();
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).isEqualTo(new SqlLexer.Skeleton("insert into t values ( 'xxxxxxxx…' )", false));
        assertThat(statements.get(1).overflowed()).isTrue();
        assertThat(statements.get(1).text()).hasSize(64).startsWith("select a , a ,");
    }

    @Test
    void aDollarTagLargerThanTheBoundIsFlagged() {
        SqlLexer lexer = new SqlLexer(HEAD, 64);
        String tag = "t".repeat(100);
        lexer.feed(("select $" + tag + "$ x $" + tag + "$; select 1").getBytes(StandardCharsets.UTF_8));
        lexer.end();
        List<SqlLexer.Skeleton> statements = lexer.takeStatements();
        // Past the bound the lexer no longer knows where the literal ends; the flag refuses the whole text.
        assertThat(statements).extracting(SqlLexer.Skeleton::overflowed).containsExactly(true);
    }
}
