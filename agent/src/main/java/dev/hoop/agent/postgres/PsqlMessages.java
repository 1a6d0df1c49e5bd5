package dev.hoop.agent.postgres;

import java.nio.charset.StandardCharsets;

/**
 * ErrorResponse and NoticeResponse as psql prints them by default: {@code ERROR:  message}, the
 * {@code LINE n:} excerpt with a caret under the error's position, then DETAIL, HINT, QUERY and
 * (for errors only) CONTEXT lines.
 */
final class PsqlMessages {
    private PsqlMessages() {
    }

    /** @param body the message after its type and length; {@code query} the script (for LINE) */
    static String render(byte[] body, String query, boolean isError) {
        String severity = null;
        String plainSeverity = null;
        String message = "";
        String detail = null;
        String hint = null;
        String position = null;
        String internalQuery = null;
        String context = null;
        int p = 0;
        while (p < body.length && body[p] != 0) {
            byte field = body[p++];
            int end = p;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            String value = new String(body, p, end - p, StandardCharsets.UTF_8);
            p = end + 1;
            switch (field) {
                case 'S' -> severity = value;
                case 'V' -> plainSeverity = value;
                case 'M' -> message = value;
                case 'D' -> detail = value;
                case 'H' -> hint = value;
                case 'P' -> position = value;
                case 'q' -> internalQuery = value;
                case 'W' -> context = value;
                default -> { }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(severity != null ? severity : plainSeverity != null ? plainSeverity : "ERROR").append(":  ")
                .append(message).append('\n');
        if (position != null && query != null) {
            appendPosition(out, query, position);
        }
        line(out, "DETAIL", detail);
        line(out, "HINT", hint);
        line(out, "QUERY", internalQuery);
        if (isError) {
            line(out, "CONTEXT", context);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        if (value != null) {
            out.append(label).append(":  ").append(value).append('\n');
        }
    }

    /** {@code LINE n: text} and a caret under character {@code position} (1-based, in characters). */
    private static void appendPosition(StringBuilder out, String query, String position) {
        int pos;
        try {
            pos = Integer.parseInt(position);
        } catch (NumberFormatException e) {
            return;
        }
        int[] cps = query.codePoints().toArray();
        if (pos < 1 || pos > cps.length + 1) {
            return;
        }
        int lineNo = 1;
        int lineStart = 0;
        for (int i = 0; i < pos - 1; i++) {
            if (cps[i] == '\n') {
                lineNo++;
                lineStart = i + 1;
            }
        }
        int lineEnd = lineStart;
        while (lineEnd < cps.length && cps[lineEnd] != '\n' && cps[lineEnd] != '\r') {
            lineEnd++;
        }
        String prefix = "LINE " + lineNo + ": ";
        out.append(prefix).append(new String(cps, lineStart, lineEnd - lineStart)).append('\n');
        int caret = prefix.length();
        for (int i = lineStart; i < pos - 1; i++) {
            caret += cps[i] == '\t' ? 1 : DisplayWidth.of(cps[i]);
        }
        out.repeat(' ', caret).append("^\n");
    }
}
