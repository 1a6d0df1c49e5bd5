package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The answer of a create command whose secret (an agent's key, an API key, a client key's DSN, a
 * webhook's signing secret) the gateway shows only once, since it keeps just a hash: with
 * {@code -o json} the whole answer; else the secret alone on stdout, so that scripts capture it, and
 * what to do with it on stderr.
 */
final class ShownOnce {
    private ShownOnce() {}

    /**
     * @param field   the answer's field that holds the secret
     * @param missing the error when the answer lacks it: the thing exists now, but its secret is lost
     * @param notice  the line on stderr after the secret
     */
    static void print(CommandLine.Model.CommandSpec spec, OutputOption output, HoopApi api, JsonNode created, String field,
            String missing, String notice) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, api.json(), created);
            return;
        }
        if (created == null || !created.hasNonNull(field)) {
            throw new IllegalStateException(missing);
        }
        out.println(created.get(field).asText());
        out.flush();
        spec.commandLine().getErr().println(notice);
    }
}
