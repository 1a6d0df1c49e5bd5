package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop admin verify session ID}: asks the gateway to recompute the session's seal from its
 * stored events ({@code GET /api/sessions/{id}/verify}); exit code 0 when it holds, 1 with each
 * difference when it does not.
 */
@Command(name = "session", mixinStandardHelpOptions = true,
        description = "Check that a session's recording is as it was sealed (exit code 1 and what differs when not).")
final class VerifySession implements Callable<Integer> {
    @ParentCommand AdminCommand.Verify parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "ID", description = "The session's id (see 'hoop admin get sessions').")
    String id;

    @Override
    public Integer call() {
        HoopApi api = parent.admin.api();
        JsonNode v = api.get("/api/sessions/" + HoopApi.segment(id) + "/verify");
        boolean valid = v.path("valid").asBoolean(false);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, api.json(), v);
        } else if (valid) {
            out.printf("session %s: valid (%d events, digest %s, signed by key %s)%n", id, v.path("events").asLong(),
                    v.path("digest").asText(), v.path("signed_by").asText());
        } else {
            out.printf("session %s: NOT valid%n", id);
            for (JsonNode problem : v.path("problems")) {
                out.printf("  - %s%n", problem.asText());
            }
        }
        out.flush();
        return valid ? 0 : 1;
    }
}
