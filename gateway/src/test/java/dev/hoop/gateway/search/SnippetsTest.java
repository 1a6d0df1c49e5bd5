package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.junit.jupiter.api.Test;

class SnippetsTest {
    final StandardAnalyzer analyzer = new StandardAnalyzer();

    private Snippets.Snippet of(String text, List<List<String>> wanted) {
        return Snippets.of("input", text, wanted, analyzer);
    }

    private static String marked(Snippets.Snippet s) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int[] m : s.matches()) {
            out.append(s.text(), at, m[0]).append('[').append(s.text(), m[0], m[1]).append(']');
            at = m[1];
        }
        return out.append(s.text().substring(at)).toString();
    }

    @Test
    void marksEveryWordAndPhraseInTheWindow() {
        Snippets.Snippet s = of("select * from orders; DROP  TABLE orders; drop the table", List.of(List.of("drop", "table"), List.of("orders")));
        assertThat(marked(s)).isEqualTo("select * from [orders]; [DROP  TABLE] [orders]; drop the table");
    }

    @Test
    void noMatchNoSnippet() {
        assertThat(of("nothing to see", List.of(List.of("drop")))).isNull();
        assertThat(of("", List.of(List.of("drop")))).isNull();
        assertThat(of(null, List.of(List.of("drop")))).isNull();
        assertThat(of("drop", List.of())).isNull();
    }

    @Test
    void aLongTextIsCutAroundTheFirstMatch() {
        String text = "x".repeat(5000) + " needle " + "y ".repeat(5000);
        Snippets.Snippet s = of(text, List.of(List.of("needle")));
        assertThat(s.text()).hasSize(Snippets.WIDTH);
        assertThat(s.text()).startsWith("x".repeat(Snippets.BEFORE - 1) + " needle ");
        assertThat(s.matches()).hasSize(1);
        assertThat(s.text().substring(s.matches().getFirst()[0], s.matches().getFirst()[1])).isEqualTo("needle");
    }

    @Test
    void matchesOutsideTheWindowAreNotListedAndSurrogatePairsAreNotCut() {
        String text = "😀".repeat(40) + "needle" + " pad".repeat(100) + " needle";
        Snippets.Snippet s = of(text, List.of(List.of("needle")));
        assertThat(s.matches()).hasSize(1);
        assertThat(Character.isLowSurrogate(s.text().charAt(0))).isFalse();
        assertThat(Character.isHighSurrogate(s.text().charAt(s.text().length() - 1))).isFalse();
    }
}
