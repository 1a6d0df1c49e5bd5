package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal form of a search snippet: recorded escape sequences must not reach the terminal of whoever searches. */
class SearchSnippetTest {
    @Test
    void controlCharactersAreNeutralisedAndMatchesMarked() {
        String text = "\u001b]0;owned\u0007 drop\r\n\ttable\u001b[2J end";
        int start = text.indexOf("drop");
        int end = text.indexOf("table") + 5;
        String shown = SessionsApi.marked(new SessionsApi.SnippetView("output", text, List.of(new int[] {start, end})));
        assertThat(shown).isEqualTo("?]0;owned? [[drop table]]?[2J end");
        assertThat(shown.chars().noneMatch(Character::isISOControl)).isTrue();
    }
}
