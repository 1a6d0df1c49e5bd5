package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.client.output.Table;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop admin get sessions [--connection C] [--user EMAIL] [--verb V] [--limit N]}: the audit
 * trail, newest first (non-admins see their own sessions); {@code -q QUERY} searches instead (ranked,
 * with a snippet). {@code -o json} prints the gateway's page.
 * {@code hoop admin get sessions ID [--follow]}: one session's events, one line each; with
 * {@code --follow} those of a running session as they are recorded, until it ends.
 */
@Command(name = "sessions", aliases = "session", mixinStandardHelpOptions = true,
        description = "List recorded sessions, newest first (your own unless you are an admin).")
final class GetSessions implements Runnable {
    static final Table SESSIONS = Table.of("ID", "id", "USER", "user_email", "CONNECTION", "connection", "VERB", "verb",
            "STATUS", "status", "EXIT", "exit_code", "STARTED", "started_at", "ERROR", "error");
    /** Search results: the session and the best snippet, matches between [[ and ]]. */
    static final Table FOUND = Table.of("ID", "id", "USER", "user_email", "CONNECTION", "connection", "VERB", "verb",
            "EXIT", "exit_code", "STARTED", "started_at", "SCORE", "score", "MATCH", "snippet");

    @ParentCommand AdminCommand.Get parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Option(names = "--connection", description = "Only sessions of this connection.")
    String connection;

    @Option(names = "--user", description = "Only sessions of this user (email; admins).")
    String user;

    @Option(names = "--verb", description = "connect or exec.")
    String verb;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "One session: print its events.")
    String id;

    @Option(names = "--follow", description = "With ID: print the events of a running session as they are recorded, until it ends.")
    boolean follow;

    @Option(names = {"-q", "--query"}, paramLabel = "QUERY", description = "Search, best matches first: words, \"phrases\" and "
            + "qualifiers connection: user: verb: type: exit: is:error|ok|open|done id: after: before: (see docs/search.md).")
    String search;

    @Override
    public void run() {
        if (id != null) {
            one(parent.admin.api());
            return;
        }
        if (follow) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--follow needs a session ID (hoop admin get sessions ID --follow)");
        }
        List<String> query = new ArrayList<>();
        add(query, "q", search);
        add(query, "connection", connection);
        add(query, "user", user);
        add(query, "verb", verb);
        add(query, "limit", Integer.toString(limit));
        HoopApi api = parent.admin.api();
        JsonNode page = api.get("/api/sessions?" + String.join("&", query));
        JsonNode shown = output.json() ? page : page.get("data");
        output.print(spec.commandLine().getOut(), api.json(), shown, search == null ? SESSIONS : FOUND);
    }

    private void one(HoopApi api) {
        java.io.PrintWriter out = spec.commandLine().getOut();
        String path = "/api/sessions/" + HoopApi.segment(id);
        if (!follow) {
            JsonNode detail = api.get(path);
            if (output.json()) {
                output.print(out, api.json(), detail, SESSIONS);
                return;
            }
            detail.get("events").forEach(e -> out.println(line(e)));
            long total = detail.path("events_total").asLong();
            if (total > detail.get("events").size()) {
                spec.commandLine().getErr().println("(" + detail.get("events").size() + " of " + total
                        + " events shown; the API pages them with events_offset and events_limit)");
            }
            out.flush();
            return;
        }
        api.events(path + "/events?follow=true", (event, data) -> {
            JsonNode node;
            try {
                node = api.json().readTree(data);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return; // not an event of ours
            }
            if (event.equals("end")) {
                spec.commandLine().getErr().println("session " + id + " ended (" + node.path("status").asText()
                        + (node.hasNonNull("exit_code") ? ", exit code " + node.get("exit_code").asText() : "")
                        + (node.hasNonNull("error") ? ", " + node.get("error").asText() : "") + ")");
            } else {
                out.println(output.json() ? node.toString() : line(node));
            }
            out.flush();
        });
    }

    /** {@code [+1.234s] i #2 select 1}: offset, type, client connection, data. */
    static String line(JsonNode e) {
        String connection = e.hasNonNull("connection") ? " #" + e.get("connection").asText() : "";
        String data = e.path("encoding").asText().equals("base64") ? "<base64 " + e.get("data").asText() + ">" : e.get("data").asText();
        return String.format(java.util.Locale.ROOT, "[+%.3fs] %s%s %s", e.path("offset_ms").asLong() / 1000.0, e.path("type").asText(),
                connection, printable(data.endsWith("\n") ? data.substring(0, data.length() - 1) : data));
    }

    /** Recorded output may hold terminal escape sequences: shown as {@code \x1b}, never obeyed by the viewer's terminal. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0)) {
                b.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    private static void add(List<String> query, String key, String value) {
        if (value != null) {
            query.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
