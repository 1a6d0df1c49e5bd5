package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions.Session;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionFormatsTest {
    static final Session TERMINAL = new Session(UUID.fromString("3f2a0c1e-0000-4000-8000-000000000001"), UUID.randomUUID(), UUID.randomUUID(),
            "a@example.com", "sh", "command-line", "connect", "done", 0, null, OffsetDateTime.parse("2026-12-01T10:00:00Z"), null, 0);

    private static AuditEvent event(long ms, char type, byte[] data) {
        return new AuditEvent(ms, type, data);
    }

    @org.junit.jupiter.api.Test
    void aCharacterSplitAcrossTwoOutputPacketsStaysWholeAndBadBytesBecomeReplacements() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        List<AuditEvent> events = List.of(
                event(0, AuditEvent.OUTPUT, new byte[] {'a', e[0]}),
                event(1500, AuditEvent.OUTPUT, new byte[] {e[1], 'b'}),
                event(1600, AuditEvent.RESIZE, "{\"rows\":40,\"cols\":120}".getBytes(StandardCharsets.UTF_8)),
                event(1700, AuditEvent.ERROR, "agent gone".getBytes(StandardCharsets.UTF_8)),
                event(1800, AuditEvent.OUTPUT, new byte[] {(byte) 0xff, 'c'}));
        String cast = new String(SessionFormats.asciicast(TERMINAL, events), StandardCharsets.UTF_8);
        assertThat(cast).isEqualTo("""
                {"version":2,"width":80,"height":24,"timestamp":1796119200,"title":"connect sh by a@example.com"}
                [0.000,"o","a"]
                [1.500,"o","éb"]
                [1.600,"r","120x40"]
                [1.800,"o","\uFFFDc"]
                """);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain|plain",
            "=HYPERLINK(\"http://x\")|\"'=HYPERLINK(\"\"http://x\"\")\"",
            "+1|'+1",
            "-2|'-2",
            "@SUM(A1)|'@SUM(A1)",
            "a,b|\"a,b\""})
    void csvCellsAreQuotedAndFormulasDefused(String value, String cell) {
        assertThat(SessionFormats.cell(value)).isEqualTo(cell);
    }
}
