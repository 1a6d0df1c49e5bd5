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

    @Option(names = {"-q", "--query"}, paramLabel = "QUERY", description = "Search, best matches first: words, \"phrases\" and "
            + "qualifiers connection: user: verb: type: exit: is:error|ok|open|done id: after: before: (see docs/search.md).")
    String search;

    @Override
    public void run() {
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

    private static void add(List<String> query, String key, String value) {
        if (value != null) {
            query.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
