package dev.hoop.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The download formats of a session ({@code GET /api/sessions/{id}/download?format=}): {@code text}
 * (the transcript, the default), {@code jsonl} and {@code csv} (one event per line), {@code asciicast}
 * (asciinema's v2 file, terminal sessions) and {@code timeline} (JSON, PostgreSQL sessions: each
 * statement with its duration, rows and error).
 */
final class SessionFormats {
    static final List<String> NAMES = List.of("text", "jsonl", "csv", "asciicast", "timeline");
    /** asciinema's size when the client sent none. */
    static final int DEFAULT_COLS = 80;
    static final int DEFAULT_ROWS = 24;
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private SessionFormats() {}

    /** @throws ApiException 400 naming the formats, or why this session has no such format */
    static Reply.Download render(String format, Session s, List<AuditEvent> events) {
        String name = "session-" + s.id();
        return switch (format == null ? "text" : format) {
            case "text" -> new Reply.Download("text/plain; charset=utf-8", name + ".txt", SessionsApi.transcript(s, events));
            case "jsonl" -> new Reply.Download("application/x-ndjson", name + ".jsonl", jsonl(events));
            case "csv" -> new Reply.Download("text/csv; charset=utf-8", name + ".csv", csv(events));
            case "asciicast" -> {
                if (!"command-line".equals(s.connectionType())) {
                    throw ApiException.badRequest("format 'asciicast' is for terminal sessions (connection type command-line), not "
                            + s.connectionType() + " (expected: text, jsonl, csv" + ("postgres".equals(s.connectionType()) ? " or timeline" : "") + ")");
                }
                yield new Reply.Download("application/x-asciicast", name + ".cast", asciicast(s, events));
            }
            case "timeline" -> {
                if (!"postgres".equals(s.connectionType())) {
                    throw ApiException.badRequest("format 'timeline' is for PostgreSQL sessions, not " + s.connectionType()
                            + " (expected: text, jsonl, csv" + ("command-line".equals(s.connectionType()) ? " or asciicast" : "") + ")");
                }
                yield new Reply.Download("application/json", name + ".timeline.json", Json.write(timeline(s, events)));
            }
            default -> throw ApiException.badRequest("format '" + format + "' is not valid (expected: " + String.join(", ", NAMES) + ")");
        };
    }

    /** One JSON object per event and line: {@code offset_ms}, {@code type}, {@code data}, {@code encoding}. */
    static byte[] jsonl(List<AuditEvent> events) {
        StringBuilder out = new StringBuilder();
        for (AuditEvent e : events) {
            out.append(new String(Json.write(SessionsApi.EventView.of(e)), StandardCharsets.UTF_8)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * RFC 4180 CSV: {@code offset_ms,type,encoding,data}. A cell that a spreadsheet would run as a
     * formula ({@code = + - @}, tab, carriage return first) gets a leading {@code '}: recorded input
     * is the user's, and must not execute in an auditor's spreadsheet.
     */
    static byte[] csv(List<AuditEvent> events) {
        StringBuilder out = new StringBuilder("offset_ms,type,encoding,data\r\n");
        for (AuditEvent e : events) {
            SessionsApi.EventView v = SessionsApi.EventView.of(e);
            out.append(v.offsetMs()).append(',').append(v.type()).append(',').append(v.encoding()).append(',').append(cell(v.data())).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String cell(String value) {
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    /**
     * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then
     * {@code [seconds, "o"|"i"|"r", data]} per event. Output is decoded as one UTF-8 stream, so a
     * character split across two packets stays whole; resizes are {@code "COLSxROWS"}. The header's
     * size is the first one the client sent before any output.
     */
    static byte[] asciicast(Session s, List<AuditEvent> events) {
        int cols = DEFAULT_COLS;
        int rows = DEFAULT_ROWS;
        for (AuditEvent e : events) {
            if (e.type() == AuditEvent.OUTPUT) {
                break;
            }
            if (e.type() == AuditEvent.RESIZE) {
                int[] size = size(e.data());
                if (size != null) {
                    rows = size[0];
                    cols = size[1];
                    break;
                }
            }
        }
        ObjectNode header = PLAIN.createObjectNode().put("version", 2).put("width", cols).put("height", rows);
        if (s.startedAt() != null) {
            header.put("timestamp", s.startedAt().toEpochSecond());
        }
        header.put("title", s.verb() + " " + s.connectionName() + " by " + s.userEmail());
        StringBuilder out = new StringBuilder(header.toString()).append('\n');
        Utf8Stream output = new Utf8Stream();
        Utf8Stream input = new Utf8Stream();
        boolean sizeTaken = false;
        for (AuditEvent e : events) {
            String time = String.format(Locale.ROOT, "%.3f", e.offsetMillis() / 1000.0);
            switch (e.type()) {
                case AuditEvent.OUTPUT -> line(out, time, "o", output.decode(e.data()));
                case AuditEvent.INPUT -> line(out, time, "i", input.decode(e.data()));
                case AuditEvent.RESIZE -> {
                    int[] size = size(e.data());
                    if (size != null && (sizeTaken || size[0] != rows || size[1] != cols)) {
                        line(out, time, "r", size[1] + "x" + size[0]);
                    }
                    sizeTaken = true;
                }
                default -> { } // gateway errors and results are not terminal bytes
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder out, String time, String code, String data) {
        if (data.isEmpty()) {
            return;
        }
        ArrayNode event = PLAIN.createArrayNode();
        event.addRawValue(new com.fasterxml.jackson.databind.util.RawValue(time));
        event.add(code).add(data);
        out.append(event).append('\n');
    }

    /** {rows, cols} of a recorded resize, or null when it is not one. */
    private static int[] size(byte[] json) {
        try {
            JsonNode node = PLAIN.readTree(json);
            if (node != null && node.path("rows").isInt() && node.path("cols").isInt()) {
                return new int[] {node.get("rows").intValue(), node.get("cols").intValue()};
            }
        } catch (IOException malformed) {
            // recorded by the gateway normalized; anything else is skipped
        }
        return null;
    }

    /** Decodes UTF-8 across chunk boundaries; bytes that are not UTF-8 become U+FFFD. */
    static final class Utf8Stream {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] carry = new byte[0];

        String decode(byte[] chunk) {
            byte[] all = new byte[carry.length + chunk.length];
            System.arraycopy(carry, 0, all, 0, carry.length);
            System.arraycopy(chunk, 0, all, carry.length, chunk.length);
            ByteBuffer in = ByteBuffer.wrap(all);
            CharBuffer out = CharBuffer.allocate(all.length + 1);
            decoder.decode(in, out, false);
            carry = new byte[in.remaining()];
            in.get(carry);
            return out.flip().toString();
        }
    }

    record TimelineEntry(long statement, long offsetMs, String sql, Long durationMs, Long rows, String tag, String error, String skipped) {}

    record Timeline(SessionsApi.SessionView session, List<TimelineEntry> statements, List<String> errors) {}

    /**
     * Each recorded statement (an input event) with its result (the result event naming it):
     * duration from the statement's record to its answer's, in ms; rows from the command tag.
     * Statements still without an answer (the session ended first) have no duration.
     */
    static Timeline timeline(Session s, List<AuditEvent> events) {
        Map<Long, JsonNode> results = new HashMap<>();
        Map<Long, Long> resultAt = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (AuditEvent e : events) {
            if (e.type() == AuditEvent.RESULT) {
                try {
                    JsonNode r = PLAIN.readTree(e.data());
                    if (r.has("statement")) {
                        results.putIfAbsent(r.get("statement").asLong(), r);
                        resultAt.putIfAbsent(r.get("statement").asLong(), e.offsetMillis());
                    } else if (r.has("error")) {
                        errors.add(r.get("error").asText());
                    }
                } catch (IOException malformed) {
                    errors.add("a result event that is not JSON (" + e.data().length + " bytes)");
                }
            } else if (e.type() == AuditEvent.ERROR) {
                errors.add(new String(e.data(), StandardCharsets.UTF_8));
            }
        }
        List<TimelineEntry> statements = new ArrayList<>();
        long index = 0;
        for (AuditEvent e : events) {
            if (e.type() != AuditEvent.INPUT) {
                continue;
            }
            long k = index++;
            JsonNode r = results.get(k);
            String sql = new String(e.data(), StandardCharsets.UTF_8);
            if (r == null) {
                statements.add(new TimelineEntry(k, e.offsetMillis(), sql, null, null, null, null, null));
                continue;
            }
            statements.add(new TimelineEntry(k, e.offsetMillis(), sql, Math.max(0, resultAt.get(k) - e.offsetMillis()),
                    r.has("rows") ? r.get("rows").asLong() : null, text(r, "tag"), text(r, "error"), text(r, "skipped")));
        }
        return new Timeline(SessionsApi.SessionView.of(s), statements, errors);
    }

    private static String text(JsonNode node, String field) {
        return node.has(field) ? node.get(field).asText() : null;
    }
}
